// A run of four cells with every kind of evidence the JSON writer writes (actions run and not,
// witnesses made and not, state checks, a load failure, a cell that did not run to the end).
#pragma once

#include "report/result.hpp"

namespace auditvm::test {

using namespace auditvm::report;

// A cell with every kind of evidence the writer writes.
inline CellResult full_cell(const std::string& configuration, Arch arch, const std::string& suite) {
  CellResult c;
  c.scenario = "V-268096";
  c.configuration = configuration;
  c.description = "configuration " + configuration;
  c.arch = arch;
  c.suite = suite;
  c.kernel_version = "6.1.0-x";
  c.audit_version = "1:3.0.9-1";
  c.image = "abc-def";
  c.stig = "V-268096";
  c.expected_verdict = Verdict::NotAFinding;
  c.verdict = Verdict::Open;
  c.kernel_verdict = Verdict::Open;
  c.literal_match = true;
  c.uncovered = {"b32 init_module, auid 1000..4294967294, success and failure: no rule"};
  c.notes = {"a note"};
  c.load_failure = LoadFailure{3, "-a x", "bad"};
  c.records_expected = 5;
  c.records_matched = 4;
  c.console_log = "logs/" + c.id() + ".console.log";
  c.audit_log = "logs/" + c.id() + ".audit.log";
  c.seconds = 12.5;
  c.timings = {2.25, 0.5, 0.75, 0.25, 0.125, 8.0, 1.5, 0.0625};
  ActionRow action;
  action.index = 3;
  action.actor = "root";
  action.abi = Abi::b32;
  action.syscall = "finit_module";
  action.expect = "EPERM";
  action.helper = "3 finit_module EPERM";
  action.result = "EPERM";
  action.predicted = check::Fate::recorded;
  action.prediction_reason = "line 1";
  action.records = {"type=SYSCALL msg=audit(1.2:3): arch=40000003"};
  ActionRow not_run = action;
  not_run.result.reset();
  not_run.records.clear();
  c.assertions = {{"check verdict is NotAFinding", Status::fail, "the model says Open", std::nullopt},
                  {"action root b32 finit_module EPERM", Status::pass, "", action}};
  CellEvidence evidence;
  evidence.auditctl_R = LoadOutput{1, "Error"};
  evidence.rules_file = "-a x\n";
  evidence.auditctl_l = "No rules\n";
  evidence.auditctl_s_before = evidence.auditctl_s_after = "lost 0\n";
  evidence.cmdline = "audit=1";
  evidence.status_checks = {{"V-268092", Verdict::NotAFinding, {}}, {"V-268093", Verdict::Open, {"64 < 8192"}}};
  evidence.rule_checks = {{"V-268098", std::nullopt, Verdict::Open, Verdict::Open, false, true, {"b32 open, auid 1000..4294967294: no rule"}, {"a note"}}};
  evidence.actions = {action, not_run};
  WitnessRow witness;
  witness.number = 67;
  witness.event.abi = Abi::b64;
  witness.event.syscall = "init_module";
  witness.event.auid = 1005;
  witness.event.success = false;
  witness.event.exit_code = -1;
  witness.event.login = check::LoginMode::self;
  witness.event.alternate_exe = true;
  witness.region = "b64 init_module ...";
  witness.rule = "V-268096";
  witness.predicted = check::Fate::no_rule;
  witness.result = "EPERM";
  witness.helper = "67 ...";
  WitnessRow unmade = witness;
  unmade.number = 68;
  unmade.result.reset();
  unmade.required = false;
  evidence.witnesses = {witness, unmade};
  c.evidence = evidence;
  return c;
}

inline RunResult sample_matrix() {
  RunResult run;
  run.version = "1.0";
  run.started_at = "2026-12-02T03:00:00Z";
  run.seconds = 100;
  run.cells = {full_cell("stig-fix", Arch::x86_64, ""), full_cell("stig-fix", Arch::aarch64, ""), full_cell("b64-only", Arch::x86_64, "trixie"),
               full_cell("b64-only", Arch::aarch64, "")};
  run.cells[3].evidence.reset();
  run.cells[3].infra_error = "the VM went away";
  run.cells[3].load_failure.reset();
  return run;
}

}  // namespace auditvm::test
