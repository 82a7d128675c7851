// Sets the model's answers beside the kernel's for one cell that ran a rule set: every event the
// cell made (the scenario's actions and the model's witness events), lint's prediction of where
// `auditctl -R` stops, the verdict, and any other model-mismatch assertion. Pure: works on the
// typed CellResult, no guest.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "check/coverage.hpp"
#include "report/result.hpp"
#include "rules/rule.hpp"
#include "scenario/scenario.hpp"

namespace auditvm::difftest {

// The model under test: its prediction for one event on the rules as loaded. The seam through
// which a test gives difftest a model with one rule's semantics changed.
using Model = std::function<check::Prediction(const rules::RuleSet& loaded, Arch arch, const check::Event& event)>;
Model kernel_model();  // check::predict: the model auditvm ships

struct Disagreement {
  enum class Kind { event, load, verdict, assertion };
  Kind kind = Kind::event;
  std::optional<check::Event> event;  // for Kind::event
  std::string what;                   // the event, or what was compared ("where auditctl -R stops")
  std::string model;                  // what the model said
  std::string kernel;                 // what the kernel (or auditctl) did
  std::vector<std::string> records;   // the kernel's records of the event
  // What a smaller rule set must still show to count as the same disagreement while shrinking:
  // the kind and, for an event, its ABI, syscall and which way the two differ; for the load, both
  // sides' messages without their line numbers.
  std::string signature() const;
};
std::string_view to_string(Disagreement::Kind kind);


struct Judgement {
  std::vector<Disagreement> disagreements;
  int events = 0;    // events compared
  int not_made = 0;  // witnesses the guest could not make as asked (not compared)
  // Set when the kernel's side cannot be trusted for this set (records were lost, the guest
  // failed): its event and verdict comparisons are left out; lint's load prediction still counts.
  std::string inconclusive;
  // Set when the model's Open rests only on gaps no witness could be made in (the guest cannot
  // cause the outcome): the kernel was not asked, so the verdict is neither confirmed nor refuted.
  std::string unconfirmed;
};

// `scenario` is the one the cell ran (for the actors of its action rows), `stig` its rule. The
// verdicts disagree when the model says NotAFinding and the kernel Open, or when the model names a
// gap it decided (not "cannot prove coverage") and the witnesses made inside it were recorded.
Judgement judge_cell(const report::CellResult& cell, const scenario::Scenario& scenario, const check::StigRule& stig, const Model& model);

}  // namespace auditvm::difftest
