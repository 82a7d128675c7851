// Witness events: concrete calls, chosen from the model's own regions, that make the kernel the
// judge of a verdict. Every region of the required event space the model calls uncovered gets a
// witness inside it (it must leave no record); covered regions the rules decide alike share
// witnesses at their boundaries and one per outcome (each must leave exactly the predicted
// record). Pure: no guest.
#pragma once

#include <string>
#include <vector>

#include "check/coverage.hpp"
#include "check/stig.hpp"
#include "rules/rule.hpp"

namespace auditvm::check {

struct Witness {
  Event event;
  Prediction expected;   // the model's prediction for exactly this event
  bool required = true;  // inside the STIG's required event set (an unrecorded one confirms a finding)
  std::string region;    // what it stands for: "uncovered: b64 finit_module, auid 1000..4294967294, ...: no rule"
};

// Which outcomes the guest can produce for a call: a witness is only chosen where one can be made
// (check/call_outcomes: module calls' EPERM, ENOENT, ENOEXEC, EBADF, EFAULT, EEXIST, EINVAL; file
// calls' EACCES and EPERM). Returns whether `event`'s (syscall, success, exit) can be produced.
using OutcomeFeasible = bool (*)(const Event& event);
bool call_outcome_feasible(const Event& event);

struct WitnessLimits {
  std::size_t max_witnesses = 400;  // per cell; the uncovered regions' witnesses come first
};

// Each witness's `expected` comes from `predictor`.
std::vector<Witness> choose_witnesses(const rules::RuleSet& loaded, Arch arch, const StigRule& stig, const WitnessLimits& limits = {},
                                      OutcomeFeasible feasible = call_outcome_feasible, const Predictor& predictor = predict);

}  // namespace auditvm::check
