#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <thread>

#include "check/stig.hpp"
#include "core/errors.hpp"
#include "rules/parser.hpp"
#include "scenario/evidence.hpp"
#include "scenario/guest_commands.hpp"
#include "scenario/matrix.hpp"
#include "support/temp_dir.hpp"

namespace auditvm::scenario {
namespace {

namespace fs = std::filesystem;

std::string read(const fs::path& file) {
  std::ifstream in(file);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

fs::path seed_scenario_file() { return check::shipped_scenarios_dir() / "V-268096.json"; }

TEST(Scenario, TheDefaultMatrixLoadsAndExpands) {
  auto s = load_scenario(seed_scenario_file());
  EXPECT_EQ(s.stig, "V-268096");
  EXPECT_EQ(s.arches, all_arches());
  EXPECT_GE(s.configurations.size(), 12U);
  EXPECT_EQ(s.actors.size(), 7U);
  // 4 privileged actors x 2 ABIs x 6 steps + 3 unprivileged x 2 x 3.
  EXPECT_EQ(s.actions.size(), 66U);
  EXPECT_EQ(s.actor("root-auid-unset").auid, std::nullopt);
}

void expect_error(const std::string& edit_from, const std::string& edit_to, const std::string& pointer) {
  std::string text = read(seed_scenario_file());
  auto at = text.find(edit_from);
  ASSERT_NE(at, std::string::npos) << edit_from;
  text.replace(at, edit_from.size(), edit_to);
  test::ScratchFile scratch_file("bad-scenario.json");
  const fs::path& file = scratch_file.path();
  std::ofstream(file) << text;
  try {
    load_scenario(file);
    FAIL() << "accepted " << edit_to;
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().file, file.string());
    EXPECT_EQ(e.where().field, pointer) << e.what();
    // ...and the line of the offending value.
    EXPECT_EQ(e.where().line, 1 + std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n')) << e.what();
  }
}

TEST(Scenario, ErrorsNameTheJsonPathAndLine) {
  expect_error(R"("call": "finit_module")", R"("call": "fork")", "/actions/0/steps/0/call");
  expect_error(R"("expect": "EEXIST")", R"("expect": "EWHATEVER")", "/actions/0/steps/3/expect");
  expect_error(R"("auid": 1001)", R"("auid": -3)", "/actors/2/auid");
  expect_error(R"("V-268096": "NotAFinding")", R"("V-268096": "Fine")", "/configurations/0/expect/V-268096");
  expect_error(R"("enable": true)", R"("enable": "yes")", "/configurations/0/nixos/security/audit/enable");
}

// "stig" names one syscall rule or several, each judged in every cell (the first is the cell's own).
TEST(Scenario, ASTIGListNamesEverySyscallRuleACellJudges) {
  std::string text = read(seed_scenario_file());
  auto at = text.find(R"("stig": "V-268096")");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 18, R"("stig": ["V-268096", "V-268098", "V-268163"])");
  test::ScratchFile scratch_file("stig-list.json");
  const fs::path& file = scratch_file.path();
  std::ofstream(file) << text;
  auto s = load_scenario(file);
  EXPECT_EQ(s.stig, "V-268096");
  EXPECT_EQ(s.stigs, (std::vector<std::string>{"V-268096", "V-268098", "V-268163"}));
  EXPECT_EQ(load_scenario(seed_scenario_file()).stigs, std::vector<std::string>{"V-268096"});
  expect_error(R"("stig": "V-268096")", R"("stig": ["V-268096", "V-268096"])", "/stig/1");
  expect_error(R"("stig": "V-268096")", R"("stig": ["V-268096", "V-268119"])", "/stig/1");  // a state check: judged in every cell anyway
  expect_error(R"("stig": "V-268096")", R"("stig": [])", "/stig");
  // A watch or path rule is judged by path witnesses, never as the cell's own rule.
  expect_error(R"("stig": "V-268096")", R"("stig": ["V-268167", "V-268096"])", "/stig/0");
  EXPECT_EQ(load_scenario(check::shipped_scenarios_dir() / "anduril-audit.json").stigs.size(), 13U);
}

TEST(Scenario, AnActorIsAnIdentityTheRunnerCanGive) {
  expect_error(R"("name": "root-auid1000",)", R"("name": "root-auid1000", "login": "daemon",)", "/actors/0/login");
  // -1 means "unchanged" to setresuid/setresgid and "unset" to the login uid (written "unset").
  expect_error(R"("auid": 1001)", R"("auid": 4294967295)", "/actors/2/auid");
  expect_error(R"("uid": 65534)", R"("uid": 4294967295)", "/actors/3/uid");
  expect_error(R"("gid": 999)", R"("gid": 4294967295)", "/actors/6/gid");
}

TEST(Scenario, ActorsLogInAsUsersUnlessTheyAreSessionProcesses) {
  std::string text = read(seed_scenario_file());
  const std::string from = R"("name": "root-auid1001",)";
  text.replace(text.find(from), from.size(), from + R"( "login": "self",)");
  test::ScratchFile scratch_file("login-scenario.json");
  const fs::path& file = scratch_file.path();
  std::ofstream(file) << text;
  auto s = load_scenario(file);
  EXPECT_EQ(s.actor("root-auid1001").login, check::LoginMode::self);
  EXPECT_EQ(s.actor("root-auid1000").login, check::LoginMode::inherited);
  auto calls = action_calls(s);
  ASSERT_EQ(calls.size(), s.actions.size());
  for (const auto& action : s.actions) {
    const auto& call = calls[static_cast<std::size_t>(action.index)];
    const auto& actor = s.actor(action.actor);
    EXPECT_EQ(call.id, action.index);
    EXPECT_EQ(call.login, actor.login);
    EXPECT_EQ(call.auid, actor.auid);
    EXPECT_EQ(call.uid, actor.uid);
    EXPECT_EQ(call.euid, actor.uid);
    EXPECT_EQ(call.gid, actor.gid);
    EXPECT_EQ(call.abi, action.abi);
    EXPECT_EQ(call.syscall, action.syscall);
    // As the scenario wrote them: each result follows from the calls before it.
    EXPECT_EQ(call.module_before, check::ModuleBefore::as_is);
    EXPECT_EQ(call.capability, check::Capability::natural);
    EXPECT_EQ(call.argument, check::Argument::valid);
    EXPECT_FALSE(call.alternate_exe);
  }
}

TEST(Scenario, AConfigurationNameMustBeAFileName) {
  // The name becomes the checklist's and the audit log's file name: nothing may lead out of the
  // report directory or into a subdirectory.
  for (const char* bad : {"../../../../tmp/x", "a/b", "..", ".", "", ".hidden"})
    expect_error(R"("name": "stig-fix")", std::string(R"("name": ")") + bad + "\"", "/configurations/0/name");
}

TEST(Scenario, AConfigurationMayBeEvaluatedWithTheNixOS2411Modules) {
  expect_error(R"("name": "stig-fix")", R"("name": "stig-fix", "module_version": "23.05")", "/configurations/0/module_version");
  std::string text = read(seed_scenario_file());
  text.replace(text.find(R"("name": "stig-fix")"), 18, R"("name": "stig-fix", "module_version": "24.11")");
  test::ScratchFile scratch_file("2411-scenario.json");
  const fs::path& file = scratch_file.path();
  std::ofstream(file) << text;
  auto scenario = load_scenario(file);
  EXPECT_EQ(scenario.configurations[0].config.module, nixos::ModuleVersion::nixos_24_11);
  EXPECT_EQ(scenario.configurations[1].config.module, nixos::ModuleVersion::current);
}

TEST(Plan, FiltersAndShardsCells) {
  std::vector<Scenario> scenarios{load_scenario(seed_scenario_file())};
  RunOptions options;
  auto all = plan_cells(scenarios, options);
  EXPECT_EQ(all.size(), scenarios[0].configurations.size() * 2);
  options.configurations = {"stig-fix", "lock"};
  options.arches = {Arch::aarch64};
  auto some = plan_cells(scenarios, options);
  ASSERT_EQ(some.size(), 2U);
  EXPECT_EQ(some[0].id(), "stig-fix@aarch64");
  options = RunOptions{};
  options.shard = std::pair{2U, 3U};
  auto shard = plan_cells(scenarios, options);
  EXPECT_EQ(shard[0].id(), all[1].id());
  EXPECT_EQ(shard.size(), (all.size() + 1) / 3);
}

TEST(Plan, SuitesAreAnAxisNextToTheArch) {
  std::vector<Scenario> scenarios{load_scenario(seed_scenario_file())};
  RunOptions options;
  options.configurations = {"stig-fix"};
  options.arches = {Arch::x86_64};
  options.suites = {"bookworm", "trixie", "sid"};
  auto cells = plan_cells(scenarios, options);
  ASSERT_EQ(cells.size(), 3U);
  EXPECT_EQ(cells[0].id(), "stig-fix@x86_64");  // bookworm: the ids from before suites
  EXPECT_EQ(cells[1].id(), "stig-fix@x86_64@trixie");
  EXPECT_EQ(cells[2].suite, "sid");
}

// A cell whose guest never came up says how long it tried: its report gave 0 s (an x86_64 systemd
// run's finit-missing and exclude-syscall infra_errors read "after 0 s", which hid a boot timeout).
TEST(Matrix, ACellThatFailedWhileBootingReportsTheBootItWaitedFor) {
  std::vector<Scenario> scenarios{load_scenario(seed_scenario_file())};
  test::ScratchFile report_dir("report");
  RunOptions options;
  options.configurations = {"stig-fix"};
  options.arches = {Arch::x86_64};
  options.quiet = true;
  options.report_dir = report_dir.path();
  options.guest_for = [](const Cell&) -> image::Manifest {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    throw InfraError("the guest did not boot in time");
  };
  auto run = run_matrix(scenarios, options);
  ASSERT_EQ(run.cells.size(), 1U);
  EXPECT_EQ(run.cells[0].infra_error, "the guest did not boot in time");
  EXPECT_GE(run.cells[0].timings.boot, 0.3);
  EXPECT_EQ(run.cells[0].seconds, 0.0);  // the cell itself never started
}

TEST(GuestOutput, LoadFailureNamesLineTextAndMessage) {
  std::string rules = "-D\n-a always,exit -F arch=b64 -S open -k x\n-a always,exit -S init_module\n";
  auto failure = parse_load_failure("Syscall name unknown: open\nThere was an error in line 2 of /etc/audit/audit.rules\n", rules);
  ASSERT_TRUE(failure);
  EXPECT_EQ(failure->line, 2);
  EXPECT_EQ(failure->text, "-a always,exit -F arch=b64 -S open -k x");
  EXPECT_EQ(failure->message, "Syscall name unknown: open");
  EXPECT_FALSE(parse_load_failure("enabled 1\nfailure 1\n", rules));
}

// Real `auditctl -R` output from the bookworm x86_64 guest (difftest fixtures load-fstype-ordering-operator
// and load-exe-ordering-operator): auditctl's own complaint goes to stderr, "There was an error" to
// syslog (appended after the status lines -b, -f and -r printed) or to stderr after a WARNING.
TEST(GuestOutput, LoadFailureReasonSkipsStatusNoRulesAndWarningLines) {
  // What bookworm's auditctl -R prints for each -b/-f/-e line it applied (real output).
  auto status = [](int backlog) {
    return "enabled 1\nfailure 1\npid 0\nrate_limit 0\nbacklog_limit 1024\nlost 0\nbacklog " + std::to_string(backlog) +
           "\nbacklog_wait_time 15000\nbacklog_wait_time_actual 0\n";
  };
  std::string rules = "-D\n-b 1024\n-f 1\n-r 0\n-a always,filesystem -F fstype>tracefs\n\n-e 1\n";
  auto fstype = parse_load_failure("fstype only takes = or != operators\nNo rules\n" + status(0) + status(4) + status(4) +
                                       "There was an error in line 5 of /etc/audit/audit.rules\n",
                                   rules);
  ASSERT_TRUE(fstype);
  EXPECT_EQ(fstype->line, 5);
  EXPECT_EQ(fstype->message, "fstype only takes = or != operators");
  auto exe = parse_load_failure(
      "WARNING - 32/64 bit syscall mismatch in line 6, you should specify an arch\n"
      "exe only takes = or != operators\n"
      "There was an error in line 6 of /etc/audit/audit.rules\n"
      "No rules\n" +
          status(0) + status(0) + status(0) + "WARNING - 32/64 bit syscall mismatch in line 5, you should specify an arch\n",
      rules);
  ASSERT_TRUE(exe);
  EXPECT_EQ(exe->line, 6);
  EXPECT_EQ(exe->message, "exe only takes = or != operators");
  // A line refused with no reason given (a lone CR): nothing before it is its reason.
  auto none = parse_load_failure("WARNING - 32/64 bit syscall mismatch in line 5, you should specify an arch\n"
                                 "There was an error in line 6 of /etc/audit/audit.rules\nNo rules\nenabled 1\n", rules);
  ASSERT_TRUE(none);
  EXPECT_EQ(none->message, "");
  // audit 4's notes on rules it loads (libaudit's LOG_INFO messages) are no reason either.
  auto noted = parse_load_failure("perm used without an arch is slower\nOld style watch rules are slower\n"
                                  "There was an error in line 5 of /etc/audit/audit.rules\n", rules);
  ASSERT_TRUE(noted);
  EXPECT_EQ(noted->message, "");
}

TEST(Evidence, RealGuestRecordsMatchThePredictions) {
  // The helper output and audit log of a real x86_64 run of the STIG fix (tests/unit/records/data).
  auto s = load_scenario(seed_scenario_file());
  std::string data = std::string(AUDITVM_SOURCE_ROOT) + "/tests/unit/records/data/";
  auto calls = parse_call_results(read(data + "x86_64-stig-fix.helper.out"), action_calls(s));
  auto records = records::parse_audit_log(read(data + "x86_64-stig-fix.audit.log"));
  auto loaded = rules::parse_rules(
      "-a always,exit -F arch=b32 -S init_module,delete_module,finit_module -F auid>=1000 -F auid!=-1 -F key=module_chng\n"
      "-a always,exit -F arch=b64 -S init_module,delete_module,finit_module -F auid>=1000 -F auid!=-1 -F key=module_chng\n",
      Arch::x86_64, "t");
  auto judged = judge_actions(s, Arch::x86_64, loaded, check::find_stig_rule("V-268096"), calls, records);
  EXPECT_EQ(judged.records_expected, 36);
  EXPECT_EQ(judged.records_matched, 36);
  EXPECT_FALSE(judged.required_event_unrecorded);
  for (const auto& a : judged.assertions) EXPECT_EQ(a.status, report::Status::pass) << a.name << ": " << a.message;

  // Had only the b64 rule been loaded, the b32 records would contradict the model.
  auto b64_only = rules::parse_rules(
      "-a always,exit -F arch=b64 -S init_module,delete_module,finit_module -F auid>=1000 -F auid!=-1 -F key=module_chng\n", Arch::x86_64, "t");
  auto contradicted = judge_actions(s, Arch::x86_64, b64_only, check::find_stig_rule("V-268096"), calls, records);
  int mismatches = 0;
  for (const auto& a : contradicted.assertions) mismatches += a.status == report::Status::model_mismatch;
  EXPECT_EQ(mismatches, 18);
}

}  // namespace
}  // namespace auditvm::scenario
