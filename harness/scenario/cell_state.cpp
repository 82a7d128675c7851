#include "check/coverage.hpp"
#include "check/status_checks.hpp"
#include "core/errors.hpp"
#include "nixos/units.hpp"
#include "rules/parser.hpp"
#include "scenario/cell_steps.hpp"

namespace auditvm::scenario {

std::vector<GuestStep> state_steps(const nixos::NixosConfig& config, const std::optional<GuestFacts>& known) {
  // The unit NixOS loads the rules with; the current module's name when it has none (audit disabled).
  std::string unit = nixos::audit_unit_name(config);
  if (unit.empty()) unit = "audit-rules-nixos.service";
  std::vector<GuestStep> steps{{"auditctl -l", "auditctl -l", true}, {"auditctl -s", "auditctl -s", true},
                               {"reading the audit services", audit_services_script(unit), true}};
  if (!known) {
    steps.push_back({"reading /proc/cmdline", "cat /proc/cmdline", true});
    steps.push_back({"uname -r", "uname -r", true});
    steps.push_back({"auditctl -v", "auditctl -v", true});
  }
  return steps;
}

void record_state(const std::vector<machine::CommandResult>& state, std::optional<GuestFacts>& known, report::CellResult& cell,
                  report::CellEvidence& evidence) {
  if (!known) known = GuestFacts{state.at(3).out, state.at(4).out, state.at(5).out};
  evidence.auditctl_l = state.at(0).out;
  evidence.auditctl_s_before = state.at(1).out;
  evidence.services = state.at(2).out;
  evidence.cmdline = known->cmdline;
  evidence.uname_r = known->uname_r;
  evidence.auditctl_v = known->auditctl_v;
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
