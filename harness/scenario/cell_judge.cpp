#include "check/load_simulation.hpp"
#include "check/status_checks.hpp"
#include "nixos/render.hpp"
#include "scenario/cell_steps.hpp"

namespace auditvm::scenario {

using report::Status;

void judge(report::CellResult& cell, const Configuration& configuration, const std::string& rules_text, const ActionEvidence& judged,
           const report::CellEvidence& evidence) {
  cell.records_expected = judged.records_expected;
  cell.records_matched = judged.records_matched;
  cell.kernel_verdict = judged.required_event_unrecorded ? check::Verdict::Open : check::Verdict::NotAFinding;
  if (nixos::loads_rules(configuration.config)) {
    // lint's prediction of auditctl -R, confirmed or refuted by the real one.
    auto predicted = check::simulate_load(rules_text, cell.arch, "rules");
    int real_line = cell.load_failure ? cell.load_failure->line : 0;
    add_assertion(cell, "lint predicted the rules load", predicted.failing_line.value_or(0) == real_line,
                  "lint: " + (predicted.failing_line ? "stops at line " + std::to_string(*predicted.failing_line) : std::string("loads completely")) +
                      "; auditctl -R: " + (real_line ? "stopped at line " + std::to_string(real_line) : std::string("loaded completely")),
                  Status::model_mismatch);
  }
  if (cell.expected_verdict)
    add_assertion(cell, "check verdict is " + report::verdict_name(cell.expected_verdict), cell.verdict == cell.expected_verdict,
                  "the model says " + report::verdict_name(cell.verdict) + " on auditctl -l" +
                      (cell.load_failure ? " (rules stopped loading at line " + std::to_string(cell.load_failure->line) + ")" : ""));
  add_assertion(cell, "the kernel's records support the verdict",
                !(cell.verdict == check::Verdict::NotAFinding && judged.required_event_unrecorded),
                "a call the STIG requires left no record although the model found every required event covered", Status::model_mismatch);
  auto lost_before = check::parse_auditctl_status(evidence.auditctl_s_before).number("lost");
  auto lost_after = check::parse_auditctl_status(evidence.auditctl_s_after).number("lost");
  add_assertion(cell, "no audit records lost", lost_before && lost_after && *lost_after == *lost_before,
                "lost " + std::to_string(lost_before.value_or(-1)) + " before, " + std::to_string(lost_after.value_or(-1)) + " after");
  cell.assertions.insert(cell.assertions.end(), judged.assertions.begin(), judged.assertions.end());
}

}  // namespace auditvm::scenario
