#include "scenario/cell_runner.hpp"

#include <chrono>
#include <fstream>

#include "check/coverage.hpp"
#include "check/load_simulation.hpp"
#include "check/status_checks.hpp"
#include "core/errors.hpp"
#include "nixos/render.hpp"
#include "records/audit_log.hpp"
#include "rules/parser.hpp"
#include "scenario/evidence.hpp"
#include "scenario/guest_commands.hpp"

namespace auditvm::scenario {
namespace {

using namespace std::chrono_literals;
using report::Assertion;
using report::Status;

machine::CommandResult must(machine::Machine& guest, const std::string& what, const std::string& script,
                            std::chrono::seconds timeout = 60s) {
  auto result = guest.run(script, timeout);
  if (result.exit_status != 0) throw InfraError(what + " failed in the guest (exit " + std::to_string(result.exit_status) + "): " + result.out + result.err);
  return result;
}

void add(report::CellResult& cell, std::string name, bool ok, std::string message, Status failure = Status::fail) {
  cell.assertions.push_back({std::move(name), ok ? Status::pass : failure, std::move(message), nlohmann::json::object()});
}

}  // namespace

report::CellResult run_cell(machine::Machine& guest, const Cell& cell_plan, const check::StigRule& stig, bool reset_first,
                            const std::filesystem::path& log_dir) {
  auto started = std::chrono::steady_clock::now();
  const Scenario& scenario = *cell_plan.scenario;
  const Configuration& configuration = *cell_plan.configuration;
  const Arch arch = cell_plan.arch;
  report::CellResult cell;
  cell.scenario = scenario.name;
  cell.configuration = configuration.name;
  cell.description = configuration.description;
  cell.arch = arch;
  cell.stig = stig.group_id;
  cell.expected_verdict = configuration.expected_verdict(stig.group_id, arch);
  cell.console_log = guest.console_log().string();

  if (reset_first) {
    auto reset = guest.run(reset_script(), 60s);
    if (reset.exit_status != 0) throw InfraError("the reused guest could not be reset: " + reset.out);
    add(cell, "guest reset to a clean state", true, "no rules, no auditd, no log, module unloaded");
  }

  const auto& config = configuration.config;
  std::string rules_text = nixos::render_rules(config);
  nlohmann::json evidence;
  auto record_load = [&](const machine::CommandResult& load) {
    evidence["auditctl_R"] = {{"exit", load.exit_status}, {"output", load.out}};
    cell.load_failure = parse_load_failure(load.out, rules_text);
    if (load.exit_status != 0 && !cell.load_failure) cell.load_failure = report::LoadFailure{0, "", load.out};
  };
  if (guest.manifest().configuration_built_in) {
    // NixOS applied the configuration while booting: watch what it did, and compare its rules
    // file with the one auditvm renders for the same fragment.
    must(guest, "waiting for the guest to finish booting", booted_configuration_settle_script(nixos::runs_auditd(config)), 400s);
    if (nixos::loads_rules(config)) {
      std::string predicted = rules_text;
      rules_text = must(guest, "reading the rules file NixOS loaded", booted_rules_file_script()).out;
      evidence["rules_file_rendered"] = predicted;
      add(cell, "NixOS wrote the rules file auditvm renders", rules_text == predicted,
          rules_text == predicted ? "identical" : "NixOS's rules file differs from nixos::render_rules (see evidence)", Status::model_mismatch);
      record_load(guest.run(booted_load_output_script(), 60s));
    }
  } else {
    // Apply the configuration as NixOS does: rules file, sysctls, audit-rules-nixos, auditd.
    must(guest, "writing the rules", prepare_script(config, rules_text));
    if (nixos::loads_rules(config)) record_load(guest.run(load_rules_script(), 60s));
    if (nixos::runs_auditd(config)) must(guest, "starting auditd", start_auditd_script());
  }
  evidence["rules_file"] = rules_text;

  // The auditor's check, on what is really loaded.
  std::string listed = must(guest, "auditctl -l", "auditctl -l").out;
  std::string status_before = must(guest, "auditctl -s", "auditctl -s").out;
  evidence["auditctl_l"] = listed;
  evidence["auditctl_s_before"] = status_before;
  evidence["cmdline"] = must(guest, "reading /proc/cmdline", "cat /proc/cmdline").out;
  // The state checks (V-268092, V-268093, V-268119): informational findings next to the cell's rule.
  evidence["status_checks"] = nlohmann::json::array();
  for (const auto& status_rule : check::load_stig_rules(check::shipped_stig_dir())) {
    if (status_rule.kind != "status") continue;
    auto status = check::evaluate_status(status_rule, evidence["cmdline"].get<std::string>(), status_before);
    evidence["status_checks"].push_back({{"rule", status.group_id}, {"status", check::to_string(status.verdict)}, {"reasons", status.reasons}});
    if (status.verdict == check::Verdict::Open)
      for (const auto& reason : status.reasons) cell.notes.push_back(status.group_id + " Open: " + reason);
  }
  rules::RuleSet loaded;
  try {
    loaded = rules::parse_rules(listed, arch, "auditctl -l in the " + std::string(to_string(arch)) + " guest");
  } catch (const InputError& e) {
    throw InfraError(std::string("cannot parse what auditctl -l printed: ") + e.what());
  }
  auto check = check::evaluate(loaded, arch, stig);
  cell.verdict = std::string(check::to_string(check.verdict));
  cell.literal_match = check.literal_match;
  cell.grep_match = check.grep_match;
  for (const auto& group : check.uncovered) cell.uncovered.push_back(group.text());
  cell.notes.insert(cell.notes.end(), check.notes.begin(), check.notes.end());
  if (cell.load_failure)
    cell.notes.push_back("the rules stopped loading at line " + std::to_string(cell.load_failure->line) + " (" + cell.load_failure->text +
                         "): " + cell.load_failure->message + "; nothing after it was loaded");

  // The actions, all in one guest command (round trips are slow under emulation).
  auto run = guest.run(actions_script(scenario, guest.manifest()), 600s);
  auto calls = parse_call_results(run.out, scenario.actions.size());

  std::string log;
  if (nixos::runs_auditd(config)) {
    must(guest, "waiting for auditd to write", sync_audit_log_script("auditvm-sync"));
    log = guest.read_file(kAuditLog, 120s);
  } else {
    log = records::kernel_log_to_audit_log(must(guest, "dmesg", "dmesg").out);
  }
  std::string status_after = must(guest, "auditctl -s", "auditctl -s").out;
  evidence["auditctl_s_after"] = status_after;
  std::filesystem::create_directories(log_dir);
  auto audit_log = log_dir / (cell_plan.id() + ".audit.log");
  std::ofstream(audit_log) << log;
  cell.audit_log = audit_log.string();

  auto judged = judge_actions(scenario, arch, loaded, stig, calls, records::parse_audit_log(log));
  cell.records_expected = judged.records_expected;
  cell.records_matched = judged.records_matched;
  evidence["actions"] = judged.table;
  cell.kernel_verdict = judged.required_event_unrecorded ? "Open" : "NotAFinding";

  if (nixos::loads_rules(config)) {
    // lint's prediction of auditctl -R, confirmed or refuted by the real one.
    auto predicted = check::simulate_load(rules_text, arch, "rules");
    int real_line = cell.load_failure ? cell.load_failure->line : 0;
    add(cell, "lint predicted the rules load", predicted.failing_line.value_or(0) == real_line,
        "lint: " + (predicted.failing_line ? "stops at line " + std::to_string(*predicted.failing_line) : std::string("loads completely")) +
            "; auditctl -R: " + (real_line ? "stopped at line " + std::to_string(real_line) : std::string("loaded completely")),
        Status::model_mismatch);
  }
  if (!cell.expected_verdict.empty())
  add(cell, "check verdict is " + cell.expected_verdict, cell.verdict == cell.expected_verdict,
      "the model says " + cell.verdict + " on auditctl -l" + (cell.load_failure ? " (rules stopped loading at line " + std::to_string(cell.load_failure->line) + ")" : ""));
  add(cell, "the kernel's records support the verdict", !(cell.verdict == "NotAFinding" && judged.required_event_unrecorded),
      "a call the STIG requires left no record although the model found every required event covered", Status::model_mismatch);
  auto lost_before = check::parse_auditctl_status(status_before).number("lost");
  auto lost_after = check::parse_auditctl_status(status_after).number("lost");
  add(cell, "no audit records lost", lost_before && lost_after && *lost_after == *lost_before,
      "lost " + std::to_string(lost_before.value_or(-1)) + " before, " + std::to_string(lost_after.value_or(-1)) + " after");
  for (auto& assertion : judged.assertions) cell.assertions.push_back(std::move(assertion));
  cell.evidence = evidence;
  cell.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return cell;
}

}  // namespace auditvm::scenario
