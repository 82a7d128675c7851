// The steps of one cell, in the order run_cell takes them: apply (or watch) the configuration,
// capture the guest's audit state, exercise the actions, write the audit log, judge. Internal to
// scenario/: each step fills its part of the CellResult.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "check/stig.hpp"
#include "machine/machine.hpp"
#include "report/result.hpp"
#include "rules/rule.hpp"
#include "scenario/cell_runner.hpp"
#include "scenario/evidence.hpp"
#include "scenario/guest_commands.hpp"
#include "scenario/scenario.hpp"

namespace auditvm::scenario {

// A guest command that must succeed: InfraError naming `what` otherwise.
machine::CommandResult must(machine::Machine& guest, const std::string& what, const std::string& script,
                            std::chrono::seconds timeout = std::chrono::seconds(60));

// The steps in one guest round trip (guest_commands.hpp): their results, in order; InfraError
// naming the step when a required one failed or a step's result did not come back. `seconds`:
// each step's time in the guest.
std::vector<machine::CommandResult> must_steps(machine::Machine& guest, const std::vector<GuestStep>& steps,
                                               std::chrono::seconds timeout = std::chrono::seconds(60),
                                               std::vector<double>* seconds = nullptr);

// Steps run in the trip of another phase (each trip costs the channel's forks), with their
// results and guest seconds once it ran.
struct RiderSteps {
  std::vector<GuestStep> steps;
  std::vector<machine::CommandResult> results;
  double seconds = 0;
};

void add_assertion(report::CellResult& cell, std::string name, bool ok, std::string message,
                   report::Status failure = report::Status::fail);

// Applies the configuration as NixOS does (rules file, sysctls, auditctl -R, auditd), or on a
// guest that booted with it, waits for the boot and reads what NixOS did. Records auditctl -R's
// output and load failure; returns the rules file the guest loaded. `before` runs first and
// `after` last in the same trip (a booted guest's: in trips of their own); a required step of
// `before` that fails stops the trip (InfraError).
std::string apply_configuration(machine::Machine& guest, const Configuration& configuration, report::CellResult& cell,
                                report::CellEvidence& evidence, RiderSteps& before, RiderSteps& after);

// The state after the load: auditctl -l and -s, the audit services, and the guest's facts unless
// `known` has them.
std::vector<GuestStep> state_steps(const nixos::NixosConfig& config, const std::optional<GuestFacts>& known);
// Records what state_steps printed (the facts read fill `known`), and the state checks
// (V-268080, 090, 092, 093, 119) on them.
void record_state(const std::vector<machine::CommandResult>& results, std::optional<GuestFacts>& known, report::CellResult& cell,
                  report::CellEvidence& evidence);

// The STIG check on what auditctl -l showed: the model's verdict and its reasons. Returns the
// rules as loaded, for predicting each action.
rules::RuleSet check_listed_rules(report::CellResult& cell, const std::string& listed, const check::StigRule& stig);

// What the actions and the extra calls did: each call's result.
struct Exercise {
  std::vector<CallResult> calls;        // one per action, in order
  std::vector<CallResult> extra_calls;  // one per extra call, in order
};
// The actions, then `extra` (witness calls), in one guest round trip. `targets`: the files path
// witnesses act on; those the guest lacks (cron.allow, a crontab) are made empty (root's, 0644)
// before the calls and removed after, so the guest stays as it was.
Exercise exercise(machine::Machine& guest, const Scenario& scenario, const std::vector<GuestCall>& extra = {},
                  const std::vector<std::string>& targets = {});

// The audit records the calls left (auditd's log once it has written everything, or the kernel
// log when auditd is off), and auditctl -s after them.
std::string collect_audit_log(machine::Machine& guest, const nixos::NixosConfig& config, report::CellEvidence& evidence);

// Writes the audit log to log_dir/<cell id>.audit.log (whole or not at all) and names it in the cell.
void write_audit_log(report::CellResult& cell, const std::filesystem::path& log_dir, const std::string& log);

// The cell's assertions: lint's load prediction, the verdict, the kernel's verdict from the
// witnesses and whether each witness held, lost records, then one per action.
void judge(report::CellResult& cell, const Configuration& configuration, const std::string& rules_text, const ActionEvidence& judged,
           const WitnessEvidence& witnessed, const report::CellEvidence& evidence);

// Another syscall rule of the cell: its verdict on what is loaded, the kernel's from its own
// witnesses, its findings annotated with the witness that confirms each, and its assertions
// (named "RULE: ...") in the cell.
report::RuleCheckRow judge_rule(report::CellResult& cell, const Configuration& configuration, const rules::RuleSet& loaded,
                                const check::StigRule& rule, const WitnessEvidence& witnessed);

}  // namespace auditvm::scenario
