#include "report/finding.hpp"

#include <sstream>

#include "check/status_checks.hpp"

namespace auditvm::report {
namespace {

const check::StigRule* find_rule(const std::vector<check::StigRule>& rules, const std::string& group_id) {
  for (const auto& rule : rules)
    if (rule.group_id == group_id) return &rule;
  return nullptr;
}

// The checklist status says what the configuration does: the verdict, when the check model and the
// kernel's witnesses agree on it and nothing undermines the evidence; else not_reviewed, with the
// reason. Whether the scenario's own expectations held (Status::fail) is a test result, reported in
// JUnit and the exit code, never a compliance finding.
struct CellStatus {
  FindingStatus status = FindingStatus::not_reviewed;
  std::string reason;  // why not reviewed
};

std::optional<std::int64_t> records_lost(const CellEvidence& evidence) {
  auto before = check::parse_auditctl_status(evidence.auditctl_s_before).number("lost");
  auto after = check::parse_auditctl_status(evidence.auditctl_s_after).number("lost");
  if (!before || !after) return std::nullopt;
  return *after - *before;
}

// One syscall rule of a cell, as its finding needs it: the cell's own (the CellResult's fields) or
// another the scenario names (a RuleCheckRow). Its witnesses are the cell's with this rule.
struct RuleView {
  std::string rule;
  std::optional<Verdict> verdict, kernel_verdict;
  bool literal_match = false, grep_match = false;
  std::vector<std::string> uncovered;
};

RuleView own_rule(const CellResult& cell) { return {cell.stig, cell.verdict, cell.kernel_verdict, cell.literal_match, cell.grep_match, cell.uncovered}; }
RuleView other_rule(const RuleCheckRow& row) { return {row.rule, row.verdict, row.kernel_verdict, row.literal_match, row.grep_match, row.uncovered}; }

CellStatus cell_status(const CellResult& cell, const RuleView& rule) {
  if (!cell.infra_error.empty()) return {FindingStatus::not_reviewed, "the guest could not run the check to the end: " + cell.infra_error};
  if (!rule.verdict) return {FindingStatus::not_reviewed, "the cell did not reach a verdict"};
  if (!cell.evidence) return {FindingStatus::not_reviewed, "the cell kept no evidence from the guest"};
  if (!rule.kernel_verdict) return {FindingStatus::not_reviewed, "the kernel's witnesses gave no verdict (no required witness event could be made)"};
  if (rule.verdict != rule.kernel_verdict)
    return {FindingStatus::not_reviewed,
            "the check model says " + verdict_name(rule.verdict) + " but the kernel's witnesses say " + verdict_name(rule.kernel_verdict)};
  for (const auto& a : cell.assertions)
    if (a.status == Status::model_mismatch || a.status == Status::infra_error)
      return {FindingStatus::not_reviewed, std::string(to_string(a.status)) + ": " + a.name + ": " + a.message};
  auto lost = records_lost(*cell.evidence);
  if (!lost) return {FindingStatus::not_reviewed, "auditctl -s did not say how many audit records the kernel lost"};
  if (*lost != 0) return {FindingStatus::not_reviewed, "the kernel lost " + std::to_string(*lost) + " audit records during the cell"};
  return {*rule.verdict == Verdict::NotAFinding ? FindingStatus::not_a_finding : FindingStatus::open, ""};
}

// "Debian trixie, kernel 6.12.117+deb13-amd64, audit 1:4.0.2-2+deb13u1, image ..." (what is known).
std::string guest_line(const CellResult& cell) {
  std::string line;
  auto add = [&](const std::string& label, const std::string& value) {
    if (!value.empty()) line += (line.empty() ? "" : ", ") + label + value;
  };
  add("Debian ", cell.suite);
  add("kernel ", cell.kernel_version);
  add("audit ", cell.audit_version);
  add("image ", cell.image);
  return line.empty() ? "" : "Guest: " + line + ".\n";
}

// "audit(1796171992.295:105)": where a record is in the audit log.
std::string record_id(const std::string& record) {
  auto start = record.find("audit(");
  auto end = start == std::string::npos ? start : record.find(')', start);
  return end == std::string::npos ? "" : record.substr(start, end - start + 1);
}

// Every witness event: one that held cited by its records' ids, one that did not with its
// prediction and its records in full.
void witness_lines(const std::vector<WitnessRow>& all, const std::string& rule, std::ostream& out) {
  std::vector<WitnessRow> witnesses;
  for (const auto& w : all)
    if (w.rule.empty() || w.rule == rule) witnesses.push_back(w);
  std::size_t held = 0;
  for (const auto& w : witnesses) held += w.held();
  out << "\nWitness events (chosen by the check model, made in the guest after the scenario's calls): " << witnesses.size() << ", "
      << held << " did as predicted:\n";
  for (const auto& w : witnesses) {
    out << "  " << w.text();
    if (w.held()) {
      for (std::size_t i = 0; i < w.records.size(); ++i) out << (i ? ", " : ": ") << record_id(w.records[i]);
      out << "\n";
      continue;
    }
    out << " (predicted: " << check::to_string(w.predicted) << "; " << w.region << ")\n";
    for (const auto& record : w.records) out << "    " << record << "\n";
  }
}

std::string cell_details(const CellResult& cell, const CellStatus& status, const RuleView& rule) {
  std::ostringstream out;
  out << "auditvm verified " << cell.configuration << " on a real " << to_string(cell.arch) << " guest.\n" << guest_line(cell);
  if (status.status == FindingStatus::not_reviewed) out << "NOT REVIEWED: " << status.reason << ".\n";
  out << "Check model verdict: " << (rule.verdict ? verdict_name(rule.verdict) : "none") << "; kernel evidence: "
      << (rule.kernel_verdict ? verdict_name(rule.kernel_verdict) : "none") << "; records " << cell.records_matched << "/" << cell.records_expected
      << " as predicted.\n";
  out << "Literal check (auditctl -l | grep -w): " << (rule.grep_match ? "rules found" : "nothing found")
      << (rule.literal_match ? ", the check text's lines are present" : ", the check text's lines are not all present") << ".\n";
  if (cell.load_failure) out << "CAUSE: " << cell.load_failure->sentence() << ".\n";
  for (const auto& u : rule.uncovered) out << "Not audited: " << u << "\n";
  if (!cell.evidence) return out.str();
  out << "\nauditctl -l:\n" << cell.evidence->auditctl_l;
  witness_lines(cell.evidence->witnesses, rule.rule, out);
  if (!cell.audit_log.empty()) out << "The records in full: audit log: " << cell.audit_log << "\n";
  return out.str();
}

std::string status_check_details(const CellResult& cell, const StatusCheckRow& check) {
  std::ostringstream out;
  out << "auditvm read the state of a real " << to_string(cell.arch) << " guest with configuration " << cell.configuration << ".\n" << guest_line(cell);
  if (check.reasons.empty()) out << "Every condition holds.\n";
  for (const auto& reason : check.reasons) out << "Not met: " << reason << "\n";
  out << "\n/proc/cmdline: " << cell.evidence->cmdline;
  out << "\nauditctl -s:\n" << cell.evidence->auditctl_s_before;
  if (!cell.evidence->services.empty()) out << "\nThe audit services and package:\n" << cell.evidence->services;
  return out.str();
}

}  // namespace

std::string_view cklb_status(FindingStatus status) {
  switch (status) {
    case FindingStatus::not_a_finding: return "not_a_finding";
    case FindingStatus::open: return "open";
    case FindingStatus::not_reviewed: return "not_reviewed";
  }
  return "not_reviewed";
}

std::vector<Finding> cell_findings(const CellResult& cell, const std::vector<check::StigRule>& rules) {
  std::vector<Finding> findings;
  if (const auto* rule = find_rule(rules, cell.stig)) {
    auto view = own_rule(cell);
    auto status = cell_status(cell, view);
    findings.push_back({*rule, status.status, cell_details(cell, status, view)});
  }
  if (!cell.evidence) return findings;
  for (const auto& row : cell.evidence->rule_checks) {
    const auto* rule = find_rule(rules, row.rule);
    if (!rule) continue;
    auto view = other_rule(row);
    auto status = cell_status(cell, view);
    findings.push_back({*rule, status.status, cell_details(cell, status, view)});
  }
  for (const auto& check : cell.evidence->status_checks) {
    const auto* rule = find_rule(rules, check.rule);
    if (!rule) continue;
    auto status = check.verdict == Verdict::NotAFinding ? FindingStatus::not_a_finding : FindingStatus::open;
    findings.push_back({*rule, status, status_check_details(cell, check)});
  }
  return findings;
}

Finding check_finding(const check::CheckResult& result, const check::StigRule& rule, Arch arch) {
  std::ostringstream out;
  out << "auditvm evaluated the captured audit rules (auditctl -l) for " << to_string(arch) << " without a guest.\n";
  out << "Check model verdict: " << check::to_string(result.verdict) << ".\n";
  out << "Literal check: " << (result.literal_match ? "the check text's lines are present" : "the check text's lines are not all present");
  if (!rule.grep_word.empty()) out << "; grep -w " << rule.grep_word << (result.grep_match ? " finds rules" : " finds nothing");
  out << ".\n";
  for (const auto& line : result.missing_literal) out << "Missing: " << line << "\n";
  for (const auto& group : result.uncovered) out << "Not audited: " << group.text() << "\n";
  for (const auto& note : result.notes) out << "Note: " << note << "\n";
  auto status = result.verdict == check::Verdict::NotAFinding ? FindingStatus::not_a_finding : FindingStatus::open;
  return {rule, status, out.str()};
}

}  // namespace auditvm::report
