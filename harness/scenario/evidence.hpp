// Joins what happened in a guest: each action's real result, the model's prediction for it and
// the records the kernel wrote, into assertions. Pure: no guest, no I/O.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "check/coverage.hpp"
#include "check/path_witness.hpp"
#include "check/witness.hpp"
#include "records/audit_log.hpp"
#include "report/result.hpp"
#include "scenario/guest_calls.hpp"
#include "scenario/scenario.hpp"

namespace auditvm::scenario {

struct ActionEvidence {
  std::vector<report::Assertion> assertions;
  int records_expected = 0;
  int records_matched = 0;
  bool required_event_unrecorded = false;  // a call the STIG requires left no record
  bool required_event_tried = false;
  std::vector<report::ActionRow> rows;  // one per action, in order
};

// The witness events (check/witness.hpp) as the kernel answered them. The kernel's verdict comes
// from the required witnesses alone: Open iff one of them was made as asked and left no record;
// none when no required witness could be made.
struct WitnessEvidence {
  std::vector<report::WitnessRow> rows;
  std::optional<check::Verdict> kernel_verdict;
  std::vector<std::string> failures;  // one line per witness made as asked whose prediction did not hold
  std::vector<std::string> not_made;  // one line per witness the guest could not make as asked
};
WitnessEvidence judge_witnesses(const std::vector<check::Witness>& witnesses, int first_number, Arch arch,
                                const std::vector<CallResult>& calls, const std::vector<records::SyscallRecord>& records);
// The path witnesses (check/path_witness.hpp) likewise, each predicted (predict_access on `loaded`)
// for the outcome the guest really gave it; one made with another outcome than asked was not made
// as asked and does not speak for its piece.
WitnessEvidence judge_path_witnesses(const std::vector<check::PathWitness>& witnesses, int first_number, Arch arch, const rules::RuleSet& loaded,
                                     const std::vector<CallResult>& calls, const std::vector<records::SyscallRecord>& records);

// `calls` holds one result per action, in the actions' order.
ActionEvidence judge_actions(const Scenario& scenario, Arch arch, const rules::RuleSet& loaded, const check::StigRule& stig,
                             const std::vector<CallResult>& calls, const std::vector<records::SyscallRecord>& records,
                             const check::Predictor& predictor = check::predict);

}  // namespace auditvm::scenario
