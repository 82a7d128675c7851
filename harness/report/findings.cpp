#include "report/finding.hpp"

#include <sstream>

namespace auditvm::report {
namespace {

const check::StigRule* find_rule(const std::vector<check::StigRule>& rules, const std::string& group_id) {
  for (const auto& rule : rules)
    if (rule.group_id == group_id) return &rule;
  return nullptr;
}

FindingStatus cell_status(const CellResult& cell) {
  if (!cell.infra_error.empty() || !cell.verdict) return FindingStatus::not_reviewed;
  return cell.verdict == Verdict::NotAFinding && cell.status() == Status::pass ? FindingStatus::not_a_finding : FindingStatus::open;
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

std::string cell_details(const CellResult& cell) {
  std::ostringstream out;
  out << "auditvm verified " << cell.configuration << " on a real " << to_string(cell.arch) << " guest.\n" << guest_line(cell);
  if (!cell.infra_error.empty()) out << "NOT EVALUATED: the guest could not run the check to the end: " << cell.infra_error << "\n";
  out << "Check model verdict: " << (cell.verdict ? verdict_name(cell.verdict) : "none") << "; kernel evidence: "
      << (cell.kernel_verdict ? verdict_name(cell.kernel_verdict) : "none") << "; records " << cell.records_matched << "/" << cell.records_expected
      << " as predicted.\n";
  out << "Literal check (auditctl -l | grep -w): " << (cell.grep_match ? "rules found" : "nothing found")
      << (cell.literal_match ? ", the check text's lines are present" : ", the check text's lines are not all present") << ".\n";
  if (cell.load_failure) out << "CAUSE: " << cell.load_failure->sentence() << ".\n";
  for (const auto& u : cell.uncovered) out << "Not audited: " << u << "\n";
  for (const auto& a : cell.assertions)
    if (a.status != Status::pass) out << "Assertion " << to_string(a.status) << ": " << a.name << ": " << a.message << "\n";
  if (cell.evidence) out << "\nauditctl -l:\n" << cell.evidence->auditctl_l;
  return out.str();
}

std::string status_check_details(const CellResult& cell, const StatusCheckRow& check) {
  std::ostringstream out;
  out << "auditvm read the state of a real " << to_string(cell.arch) << " guest with configuration " << cell.configuration << ".\n" << guest_line(cell);
  if (check.reasons.empty()) out << "Every condition holds.\n";
  for (const auto& reason : check.reasons) out << "Not met: " << reason << "\n";
  out << "\n/proc/cmdline: " << cell.evidence->cmdline;
  out << "\nauditctl -s:\n" << cell.evidence->auditctl_s_before;
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
  if (const auto* rule = find_rule(rules, cell.stig)) findings.push_back({*rule, cell_status(cell), cell_details(cell)});
  if (!cell.evidence) return findings;
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
