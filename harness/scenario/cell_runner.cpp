// One cell, along its flow; each step is in its own file (see cell_steps.hpp).
#include "scenario/cell_runner.hpp"

#include <algorithm>
#include <chrono>

#include "check/listed_watches.hpp"
#include "check/path_witness.hpp"
#include "check/witness.hpp"
#include "core/clock.hpp"
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

std::vector<machine::CommandResult> must_steps(machine::Machine& guest, const std::vector<GuestStep>& steps, std::chrono::seconds timeout,
                                               std::vector<double>* seconds) {
  const auto boundary = random_step_boundary();
  auto trip = guest.run(steps_script(steps, boundary), timeout);
  auto results = parse_steps(trip.out, boundary, steps.size(), seconds);
  for (std::size_t i = 0; i < steps.size(); ++i) {
    if (i == results.size()) {
      std::string came = trip.out + trip.err;
      if (came.size() > 2000) came = "..." + came.substr(came.size() - 2000);
      throw InfraError(steps[i].what + ": no result came back from the guest (exit " + std::to_string(trip.exit_status) + "): " + came);
    }
    if (steps[i].required && results[i].exit_status != 0)
      throw InfraError(steps[i].what + " failed in the guest (exit " + std::to_string(results[i].exit_status) + "): " + results[i].out + results[i].err);
  }
  return results;
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

void record_guest(report::CellResult& result, const image::Manifest& manifest) {
  result.suite = manifest.suite;
  result.kernel_version = manifest.kernel_version;
  result.audit_version = manifest.audit_version;
  result.image = manifest.cache_key;
}

report::CellResult run_cell(machine::Machine& guest, const Cell& plan, const check::StigRule& stig, bool reset_first,
                            const std::filesystem::path& log_dir, const check::Predictor& predictor,
                            const std::vector<check::StigRule>& others, std::optional<GuestFacts>* facts) {
  Stopwatch clock;
  report::CellResult cell = describe_cell(plan);
  record_guest(cell, guest.manifest());
  cell.console_log = guest.console_log().string();
  // One trip: the reset (verified), the load, the state after it. Its time is split by the
  // guest's clock per step (the channel's own share goes to the load).
  RiderSteps reset, state;
  std::optional<GuestFacts> no_facts;
  std::optional<GuestFacts>& known = facts ? *facts : no_facts;
  // The settings the guest booted with, before anything loads; a guest built with its
  // configuration booted with it loaded (and serves one cell).
  const bool read_boot_audit = !known && !guest.manifest().configuration_built_in;
  if (reset_first) {
    if (!known || !known->boot_audit) throw InfraError("cannot reset the reused guest: the audit settings it booted with were not read");
    reset.steps.push_back({"resetting the reused guest", reset_script(*known->boot_audit), true});
  } else if (read_boot_audit) {
    reset.steps.push_back({"reading the audit settings the guest booted with", "auditctl -s", true});
  }
  state.steps = state_steps(plan.configuration->config, known);
  report::CellEvidence evidence;
  // A reset that fails stops the trip: "resetting the reused guest failed in the guest ...".
  std::string rules_text = apply_configuration(guest, *plan.configuration, cell, evidence, reset, state);
  if (reset_first) add_assertion(cell, "guest reset to a clean state", true, "no rules, the boot's audit settings, no auditd, no log, module unloaded");
  record_state(state.results, known, cell, evidence);
  if (read_boot_audit) known->boot_audit = audit_settings(reset.results.at(0).out);
  const double trip = clock.lap();
  cell.timings.reset = reset.seconds;
  cell.timings.state = state.seconds;
  cell.timings.load = std::max(0.0, trip - reset.seconds - state.seconds);
  // The auditor's check, on what is really loaded (a listed -w read as the rules file loaded it).
  auto loaded = check_listed_rules(cell, check::listing_as_loaded(evidence.auditctl_l, rules_text), stig);
  // The model's witnesses for what is loaded, per rule (the cell's own, then the others: each
  // rule's verdict stands on its own witnesses), numbered on after the scenario's actions and made
  // after them, in the same trip.
  std::vector<const check::StigRule*> judged{&stig};
  for (const auto& other : others) judged.push_back(&other);
  // A watch or path rule's witnesses are accesses of its paths (check/path_witness).
  std::vector<std::vector<check::Witness>> witnesses(judged.size());
  std::vector<std::vector<check::PathWitness>> path_witnesses(judged.size());
  std::vector<int> first_witness(judged.size());
  std::vector<GuestCall> witness_calls;
  std::vector<std::string> targets;
  int next = static_cast<int>(plan.scenario->actions.size());
  for (std::size_t r = 0; r < judged.size(); ++r) {
    first_witness[r] = next;
    if (judged[r]->kind == "path_coverage") {
      path_witnesses[r] = check::choose_path_witnesses(loaded, plan.arch, *judged[r]);
      for (const auto& w : path_witnesses[r]) {
        witness_calls.push_back(path_call(w, next++));
        if (w.access.access != "exec" && std::find(targets.begin(), targets.end(), w.target) == targets.end()) targets.push_back(w.target);
      }
      continue;
    }
    witnesses[r] = check::choose_witnesses(loaded, plan.arch, *judged[r], {}, check::call_outcome_feasible, predictor);
    for (std::size_t i = 0; i < witnesses[r].size(); ++i)
      if (auto call = call_for(witnesses[r][i].event, next + static_cast<int>(i))) witness_calls.push_back(*call);
    next += static_cast<int>(witnesses[r].size());
  }
  cell.timings.check = clock.lap();
  auto exercised = exercise(guest, *plan.scenario, witness_calls, targets);
  cell.timings.events = clock.lap();
  auto audit_log = collect_audit_log(guest, plan.configuration->config, evidence);
  write_audit_log(cell, log_dir, audit_log);
  auto records = records::parse_audit_log(audit_log);
  cell.timings.records = clock.lap();
  auto judged_actions = judge_actions(*plan.scenario, plan.arch, loaded, stig, exercised.calls, records, predictor);
  evidence.actions = judged_actions.rows;
  std::vector<WitnessEvidence> witnessed;
  for (std::size_t r = 0; r < judged.size(); ++r) {
    if (judged[r]->kind == "path_coverage")
      witnessed.push_back(judge_path_witnesses(path_witnesses[r], first_witness[r], plan.arch, loaded,
                                               results_by_id(exercised.extra_calls, path_witnesses[r].size(), first_witness[r]), records));
    else
      witnessed.push_back(judge_witnesses(witnesses[r], first_witness[r], plan.arch,
                                          results_by_id(exercised.extra_calls, witnesses[r].size(), first_witness[r]), records));
    for (auto& row : witnessed.back().rows) row.rule = judged[r]->group_id;
    evidence.witnesses.insert(evidence.witnesses.end(), witnessed.back().rows.begin(), witnessed.back().rows.end());
  }
  judge(cell, *plan.configuration, rules_text, judged_actions, witnessed.front(), evidence);
  for (std::size_t r = 1; r < judged.size(); ++r)
    evidence.rule_checks.push_back(judge_rule(cell, *plan.configuration, loaded, *judged[r], witnessed[r]));
  cell.evidence = std::move(evidence);
  cell.timings.judge = clock.lap();
  cell.seconds = clock.total();
  return cell;
}

}  // namespace auditvm::scenario
