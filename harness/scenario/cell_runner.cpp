// One cell, along its flow; each step is in its own file (see cell_steps.hpp).
#include "scenario/cell_runner.hpp"

#include <chrono>

#include "check/witness.hpp"
#include "core/errors.hpp"
#include "records/audit_log.hpp"
#include "scenario/cell_steps.hpp"
#include "scenario/guest_commands.hpp"

namespace auditvm::scenario {

using namespace std::chrono_literals;

machine::CommandResult must(machine::Machine& guest, const std::string& what, const std::string& script, std::chrono::seconds timeout) {
  auto result = guest.run(script, timeout);
  if (result.exit_status != 0) throw InfraError(what + " failed in the guest (exit " + std::to_string(result.exit_status) + "): " + result.out + result.err);
  return result;
}

void add_assertion(report::CellResult& cell, std::string name, bool ok, std::string message, report::Status failure) {
  cell.assertions.push_back({std::move(name), ok ? report::Status::pass : failure, std::move(message), std::nullopt});
}

namespace {

// The witnesses' results in their order (a witness the runner could not be asked for has none).
std::vector<CallResult> results_by_id(const std::vector<CallResult>& results, std::size_t count, int first_id) {
  std::vector<CallResult> out(count);
  for (const auto& result : results) {
    auto index = result.id - first_id;
    if (index >= 0 && static_cast<std::size_t>(index) < count) out[static_cast<std::size_t>(index)] = result;
  }
  return out;
}

}  // namespace

report::CellResult describe_cell(const Cell& cell) {
  report::CellResult result;
  result.scenario = cell.scenario->name;
  result.configuration = cell.configuration->name;
  result.description = cell.configuration->description;
  result.arch = cell.arch;
  result.suite = cell.suite;
  result.stig = cell.scenario->stig;
  result.expected_verdict = report::parse_verdict(cell.configuration->expected_verdict(cell.scenario->stig, cell.arch));
  return result;
}

report::CellResult run_cell(machine::Machine& guest, const Cell& plan, const check::StigRule& stig, bool reset_first,
                            const std::filesystem::path& log_dir, const check::Predictor& predictor) {
  auto started = std::chrono::steady_clock::now();
  report::CellResult cell = describe_cell(plan);
  cell.console_log = guest.console_log().string();
  if (reset_first) {
    auto reset = guest.run(reset_script(), 60s);
    if (reset.exit_status != 0) throw InfraError("the reused guest could not be reset: " + reset.out);
    add_assertion(cell, "guest reset to a clean state", true, "no rules, no auditd, no log, module unloaded");
  }
  report::CellEvidence evidence;
  std::string rules_text = apply_configuration(guest, *plan.configuration, cell, evidence);
  capture_state(guest, cell, evidence);
  auto loaded = check_listed_rules(cell, evidence.auditctl_l, stig);  // the auditor's check, on what is really loaded
  // The model's witnesses for what is loaded: made after the scenario's actions, in the same trip.
  auto witnesses = check::choose_witnesses(loaded, plan.arch, stig, {}, check::call_outcome_feasible, predictor);
  const int first_witness = static_cast<int>(plan.scenario->actions.size());
  std::vector<GuestCall> witness_calls;
  for (std::size_t i = 0; i < witnesses.size(); ++i)
    if (auto call = call_for(witnesses[i].event, first_witness + static_cast<int>(i))) witness_calls.push_back(*call);
  auto exercised = exercise(guest, *plan.scenario, plan.configuration->config, evidence, witness_calls);
  write_audit_log(cell, log_dir, exercised.audit_log);
  auto records = records::parse_audit_log(exercised.audit_log);
  auto judged = judge_actions(*plan.scenario, plan.arch, loaded, stig, exercised.calls, records, predictor);
  evidence.actions = judged.rows;
  auto witnessed = judge_witnesses(witnesses, first_witness, plan.arch, results_by_id(exercised.extra_calls, witnesses.size(), first_witness), records);
  evidence.witnesses = witnessed.rows;
  judge(cell, *plan.configuration, rules_text, judged, witnessed, evidence);
  cell.evidence = std::move(evidence);
  cell.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return cell;
}

}  // namespace auditvm::scenario
