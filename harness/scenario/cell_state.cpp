#include "check/coverage.hpp"
#include "check/status_checks.hpp"
#include "core/errors.hpp"
#include "nixos/units.hpp"
#include "rules/parser.hpp"
#include "scenario/cell_steps.hpp"

namespace auditvm::scenario {

void capture_state(machine::Machine& guest, const nixos::NixosConfig& config, report::CellResult& cell, report::CellEvidence& evidence) {
  // The unit NixOS loads the rules with; the current module's name when it has none (audit disabled).
  std::string unit = nixos::audit_unit_name(config);
  if (unit.empty()) unit = "audit-rules-nixos.service";
  auto state = must_steps(guest, {{"auditctl -l", "auditctl -l", true}, {"auditctl -s", "auditctl -s", true},
                                  {"reading /proc/cmdline", "cat /proc/cmdline", true}, {"uname -r", "uname -r", true},
                                  {"auditctl -v", "auditctl -v", true}, {"reading the audit services", audit_services_script(unit), true}});
  evidence.auditctl_l = state[0].out;
  evidence.auditctl_s_before = state[1].out;
  evidence.cmdline = state[2].out;
  evidence.uname_r = state[3].out;
  evidence.auditctl_v = state[4].out;
  evidence.services = state[5].out;
  // The state checks: informational findings next to the cell's rule.
  for (const auto& status_rule : check::load_stig_rules(check::shipped_stig_dir())) {
    if (status_rule.kind != "status") continue;
    auto status = check::evaluate_status(status_rule, {evidence.cmdline, evidence.auditctl_s_before, evidence.services});
    evidence.status_checks.push_back({status.group_id, status.verdict, status.reasons});
    if (status.verdict == check::Verdict::Open)
      for (const auto& reason : status.reasons) cell.notes.push_back(status.group_id + " Open: " + reason);
  }
}

rules::RuleSet check_listed_rules(report::CellResult& cell, const std::string& listed, const check::StigRule& stig) {
  rules::RuleSet loaded;
  try {
    loaded = rules::parse_listing(listed, cell.arch, "auditctl -l in the " + std::string(to_string(cell.arch)) + " guest");
  } catch (const InputError& e) {
    throw InfraError(std::string("cannot parse what auditctl -l printed: ") + e.what());
  }
  auto check = check::evaluate(loaded, cell.arch, stig);
  cell.verdict = check.verdict;
  cell.literal_match = check.literal_match;
  cell.grep_match = check.grep_match;
  for (const auto& group : check.uncovered) cell.uncovered.push_back(group.text());
  cell.notes.insert(cell.notes.end(), check.notes.begin(), check.notes.end());
  if (cell.load_failure) cell.notes.push_back(cell.load_failure->sentence());
  return loaded;
}

}  // namespace auditvm::scenario
