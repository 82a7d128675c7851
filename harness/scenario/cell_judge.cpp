#include "check/load_simulation.hpp"
#include "check/status_checks.hpp"
#include "nixos/render.hpp"
#include "scenario/cell_steps.hpp"
#include "scenario/guest_identity.hpp"

namespace auditvm::scenario {

using report::Status;

namespace {

std::string first_lines(const std::vector<std::string>& lines, std::size_t most = 5) {
  std::string out;
  for (std::size_t i = 0; i < lines.size() && i < most; ++i) out += (out.empty() ? "" : "; ") + lines[i];
  if (lines.size() > most) out += "; and " + std::to_string(lines.size() - most) + " more";
  return out;
}

// Each finding names the witness that proves it, or says that none could (uncovered[i] is the
// text the witnesses of its region were chosen under; `witnessed` holds its rule's witnesses).
void confirm_findings(std::vector<std::string>& uncovered, const WitnessEvidence& witnessed) {
  for (auto& finding : uncovered) {
    const report::WitnessRow* proof = nullptr;
    const report::WitnessRow* refutation = nullptr;
    for (const auto& row : witnessed.rows) {
      if (row.region != "uncovered: " + finding || !row.made_as_asked()) continue;
      if (!row.recorded() && !proof) proof = &row;
      if (row.recorded() && !refutation) refutation = &row;
    }
    if (proof) finding += "; confirmed by the kernel: " + proof->text();
    else if (refutation) finding += "; REFUTED by the kernel: " + refutation->text();
    else finding += "; not witnessed: no call in this region could be made";
  }
}

std::string kernel_sentence(const std::optional<check::Verdict>& verdict, const WitnessEvidence& witnessed) {
  int required = 0;
  for (const auto& row : witnessed.rows) required += row.required && row.made_as_asked();
  std::string counts = std::to_string(witnessed.rows.size()) + " witness events (" + std::to_string(required) + " in the required set)";
  if (!witnessed.kernel_verdict) return "no required witness could be made: " + counts;
  if (verdict == witnessed.kernel_verdict) return "model and kernel: " + report::verdict_name(verdict) + ", " + counts;
  if (verdict == check::Verdict::NotAFinding) {
    for (const auto& row : witnessed.rows)
      if (row.required && row.made_as_asked() && !row.recorded())
        return "the model found every required event covered, but " + row.text() + " (" + row.region + ")";
  }
  return "the model says Open, but every required witness left a record: " + counts;
}

// Whether each witness did as predicted and was made as asked (`prefix` names the rule, or "").
void add_witness_assertions(report::CellResult& cell, const std::string& prefix, const WitnessEvidence& witnessed) {
  add_assertion(cell, prefix + "every witness event did what the model predicted", witnessed.failures.empty(),
                witnessed.failures.empty() ? std::to_string(witnessed.rows.size() - witnessed.not_made.size()) + " held"
                                           : first_lines(witnessed.failures),
                Status::model_mismatch);
  add_assertion(cell, prefix + "every witness event was made as asked", witnessed.not_made.empty(),
                witnessed.not_made.empty() ? std::to_string(witnessed.rows.size()) + " made" : first_lines(witnessed.not_made), Status::infra_error);
}

}  // namespace

report::RuleCheckRow judge_rule(report::CellResult& cell, const Configuration& configuration, const rules::RuleSet& loaded,
                                const check::StigRule& rule, const WitnessEvidence& witnessed) {
  auto check = check::evaluate(loaded, cell.arch, rule);
  report::RuleCheckRow row;
  row.rule = rule.group_id;
  row.expected_verdict = report::parse_verdict(configuration.expected_verdict(rule.group_id, cell.arch));
  row.verdict = check.verdict;
  row.kernel_verdict = witnessed.kernel_verdict;
  row.literal_match = check.literal_match;
  row.grep_match = check.grep_match;
  for (const auto& group : check.uncovered) row.uncovered.push_back(group.text());
  row.notes = check.notes;
  confirm_findings(row.uncovered, witnessed);
  const std::string prefix = rule.group_id + ": ";
  if (row.expected_verdict)
    add_assertion(cell, prefix + "check verdict is " + report::verdict_name(row.expected_verdict), row.verdict == row.expected_verdict,
                  "the model says " + report::verdict_name(row.verdict) + " on auditctl -l");
  add_assertion(cell, prefix + "the kernel's witnesses confirm the verdict", row.kernel_verdict && row.verdict == row.kernel_verdict,
                kernel_sentence(row.verdict, witnessed), Status::model_mismatch);
  add_witness_assertions(cell, prefix, witnessed);
  return row;
}

void judge(report::CellResult& cell, const Configuration& configuration, const std::string& rules_text, const ActionEvidence& judged,
           const WitnessEvidence& witnessed, const report::CellEvidence& evidence) {
  cell.records_expected = judged.records_expected;
  cell.records_matched = judged.records_matched;
  // The kernel's verdict comes from the model's witnesses alone; the hand-written actions are the
  // scenario's own cases, judged one by one below.
  cell.kernel_verdict = witnessed.kernel_verdict;
  confirm_findings(cell.uncovered, witnessed);
  if (nixos::loads_rules(configuration.config)) {
    // lint's prediction of auditctl -R, confirmed or refuted by the real one.
    // The guest's audit userspace decides how the file is read (an unknown version: audit 3's way).
    auto userspace = rules::userspace_from_version(cell.audit_version).value_or(rules::Userspace::audit3);
    // The guest's paths, probed as it loaded the file: a watch in a missing directory is predicted.
    const check::TargetPaths* target = evidence.target_paths ? &*evidence.target_paths : nullptr;
    auto predicted = check::simulate_load(rules_text, cell.arch, "rules", userspace, target);
    int real_line = cell.load_failure ? cell.load_failure->line : 0;
    add_assertion(cell, "lint predicted the rules load", predicted.failing_line.value_or(0) == real_line,
                  "lint: " + (predicted.failing_line ? "stops at line " + std::to_string(*predicted.failing_line) + " (" + predicted.message + ")"
                                                     : std::string("loads completely")) +
                      "; auditctl -R: " + (real_line ? "stopped at line " + std::to_string(real_line) + " (" + cell.load_failure->message + ")"
                                                     : std::string("loaded completely")),
                  Status::model_mismatch);
  }
  if (cell.expected_verdict)
    add_assertion(cell, "check verdict is " + report::verdict_name(cell.expected_verdict), cell.verdict == cell.expected_verdict,
                  "the model says " + report::verdict_name(cell.verdict) + " on auditctl -l" +
                      (cell.load_failure ? " (rules stopped loading at line " + std::to_string(cell.load_failure->line) + ")" : ""));
  add_assertion(cell, "the kernel's witnesses confirm the verdict", cell.kernel_verdict && cell.verdict == cell.kernel_verdict,
                kernel_sentence(cell.verdict, witnessed), Status::model_mismatch);
  add_witness_assertions(cell, "", witnessed);
  add_assertion(cell, "the actions' records support the verdict",
                !(cell.verdict == check::Verdict::NotAFinding && judged.required_event_unrecorded),
                "a call the STIG requires left no record although the model found every required event covered", Status::model_mismatch);
  auto lost_before = check::parse_auditctl_status(evidence.auditctl_s_before).number("lost");
  auto lost_after = check::parse_auditctl_status(evidence.auditctl_s_after).number("lost");
  add_assertion(cell, "no audit records lost", lost_before && lost_after && *lost_after == *lost_before,
                "lost " + std::to_string(lost_before.value_or(-1)) + " before, " + std::to_string(lost_after.value_or(-1)) + " after");
  auto identity = guest_identity_mismatch(cell.kernel_version, cell.audit_version, evidence.uname_r, evidence.auditctl_v);
  add_assertion(cell, "the guest runs its image's kernel and audit userspace", !identity,
                identity.value_or("kernel " + cell.kernel_version + ", auditctl " + upstream_version(cell.audit_version)));
  cell.assertions.insert(cell.assertions.end(), judged.assertions.begin(), judged.assertions.end());
}

}  // namespace auditvm::scenario
