#include <gtest/gtest.h>

#include "check/coverage.hpp"
#include "check/load_simulation.hpp"
#include "core/errors.hpp"

namespace auditvm::check {
namespace {

const std::string kModules =
    "-a always,exit -F arch=b32 -S init_module,finit_module,delete_module -F auid>=1000 -F auid!=unset -k module_chng\n"
    "-a always,exit -F arch=b64 -S init_module,finit_module,delete_module -F auid>=1000 -F auid!=unset -k module_chng\n";
const std::string kOpen = "-a always,exit -F arch=b64 -S open,creat -F exit=-EACCES -k perm_access\n";

TEST(LoadSimulation, AFailingLineInTheMiddleStopsEverythingAfterIt) {
  std::string text = "-D\n-b 8192\n" + kOpen + kModules + "\n-e 1\n";
  auto x86 = simulate_load(text, Arch::x86_64, "rules");
  EXPECT_TRUE(x86.complete());
  auto arm = simulate_load(text, Arch::aarch64, "rules");
  ASSERT_FALSE(arm.complete());
  EXPECT_EQ(*arm.failing_line, 3);
  EXPECT_EQ(arm.message, "Syscall name unknown: open");
  EXPECT_EQ(arm.not_loaded.size(), 3U);  // both module rules and -e 1
  EXPECT_EQ(evaluate(arm.loaded, Arch::aarch64, find_stig_rule("V-268096")).verdict, Verdict::Open);
  EXPECT_EQ(evaluate(x86.loaded, Arch::x86_64, find_stig_rule("V-268096")).verdict, Verdict::NotAFinding);
}

TEST(LoadSimulation, AnAuditctlListCaptureReadingNoRulesLoadsNothingAndIsComplete) {
  auto empty = simulate_load("No rules\n", Arch::x86_64, "capture");
  EXPECT_TRUE(empty.complete()) << empty.message;
  EXPECT_TRUE(empty.loaded.rules.empty());
}

// auditctl -R stops with "No such file or directory" at a path=/dir= filter whose directory the
// target lacks (a NixOS path on the Debian guest): lint cannot see the target's files, so it says so.
TEST(LoadSimulation, PathAndDirFiltersAreFlaggedLikeWatches) {
  auto load = simulate_load("-a always,exit -F path=/run/current-system/sw/bin/usermod -F perm=x -F auid>=1000 -F auid!=unset -k usermod\n"
                            "-a always,exit -F arch=b64 -S openat -F dir=/nix/var -k nix\n" + kModules,
                            Arch::x86_64, "rules");
  EXPECT_TRUE(load.complete());
  ASSERT_EQ(load.warnings.size(), 2U);
  EXPECT_NE(load.warnings[0].find("rules:1: -F path=/run/current-system/sw/bin/usermod"), std::string::npos) << load.warnings[0];
  EXPECT_NE(load.warnings[0].find("No such file or directory"), std::string::npos) << load.warnings[0];
  EXPECT_NE(load.warnings[1].find("rules:2: -F dir=/nix/var"), std::string::npos) << load.warnings[1];
}

TEST(LoadSimulation, AFailingFirstLineLoadsNothing) {
  auto arm = simulate_load(kOpen + kModules, Arch::aarch64, "rules");
  EXPECT_EQ(arm.failing_line, 1);
  EXPECT_TRUE(arm.loaded.rules.empty());
}

TEST(LoadSimulation, DuplicateRulesStopTheLoadAndWatchesAreFlagged) {
  auto dup = simulate_load(kModules + kModules, Arch::x86_64, "rules");
  EXPECT_EQ(dup.failing_line, 3);
  EXPECT_NE(dup.message.find("Rule exists"), std::string::npos);
  auto watch = simulate_load("-w /var/cron/tabs/ -p wa -k services\n" + kModules, Arch::x86_64, "rules");
  EXPECT_TRUE(watch.complete());
  ASSERT_EQ(watch.warnings.size(), 1U);
  EXPECT_NE(watch.warnings[0].find("/var/cron/tabs/"), std::string::npos);
}

TEST(StigData, EveryShippedRuleLoadsAndItsOwnFixTextIsCompliantOnX86_64) {
  auto rules = load_stig_rules(shipped_stig_dir());
  EXPECT_GE(rules.size(), 7U);
  for (const auto& stig : rules) {
    if (stig.kind == "status") {  // decided from a guest's state: rules alone give no verdict
      EXPECT_THROW(evaluate({}, Arch::x86_64, stig), InputError) << stig.group_id;
      continue;
    }
    std::string fix;
    for (const auto& line : stig.literal_rules) fix += line + "\n";
    if (stig.kind == "path_coverage")  // the STIG's lines load on both arches
      for (Arch arch : all_arches()) EXPECT_TRUE(simulate_load(fix, arch, "rules").complete()) << stig.group_id;
    auto result = evaluate(rules::parse_rules(fix, Arch::x86_64, stig.group_id), Arch::x86_64, stig);
    EXPECT_EQ(result.verdict, Verdict::NotAFinding) << stig.group_id;
    EXPECT_TRUE(result.literal_match) << stig.group_id;
  }
}

TEST(StigData, MissingSyscallsOfAnAbiAreNotRequired) {
  auto stig = find_stig_rule("V-268095");
  auto result = evaluate(rules::parse_rules("-a always,exit -F arch=b32 -S rename,unlink,rmdir,renameat,unlinkat -F auid>=1000 -F auid!=unset\n"
                                            "-a always,exit -F arch=b64 -S renameat,unlinkat -F auid>=1000 -F auid!=unset\n",
                                            Arch::aarch64, "t"),
                         Arch::aarch64, stig);
  EXPECT_EQ(result.verdict, Verdict::NotAFinding);
  int not_required = 0;
  for (const auto& note : result.notes) not_required += note.find("is not required") != std::string::npos;
  EXPECT_EQ(not_required, 3);  // b64 rename, unlink, rmdir
}

}  // namespace
}  // namespace auditvm::check

#include "check/status_checks.hpp"

namespace auditvm::check {
namespace {

// The one reading of `auditctl -s` (the state checks and the runner's lost-records assertion).
TEST(AuditctlStatus, OneParserForEveryField) {
  auto status = parse_auditctl_status("enabled 1\nfailure 1\npid 120\nbacklog_limit 8192\nlost 7\nbacklog 0\n"
                                      "backlog_wait_time 60000\r\nloginuid_immutable 1 locked\n");
  EXPECT_EQ(status.number("lost"), 7);
  EXPECT_EQ(status.number("backlog"), 0);
  EXPECT_EQ(status.number("backlog_wait_time"), 60000);
  EXPECT_EQ(status.text("loginuid_immutable"), "1 locked");
  EXPECT_EQ(status.number("loginuid_immutable"), 1);
  EXPECT_EQ(status.number("enable"), std::nullopt);
  EXPECT_EQ(parse_auditctl_status("lost many\n").number("lost"), std::nullopt);
}

TEST(StatusChecks, BootParametersAndRuntimeStateMustBothHold) {
  const std::string status_1024 = "enabled 1\nfailure 1\npid 120\nbacklog_limit 1024\nlost 0\nloginuid_immutable 0 unlocked\n";
  const std::string status_8192 = "enabled 1\nbacklog_limit 8192\nloginuid_immutable 1 locked\n";
  auto audit = find_stig_rule("V-268092");
  EXPECT_EQ(evaluate_status(audit, {"console=ttyS0 audit=1", status_1024, ""}).verdict, Verdict::NotAFinding);
  EXPECT_EQ(evaluate_status(audit, {"console=ttyS0", status_1024, ""}).verdict, Verdict::Open);
  auto backlog = find_stig_rule("V-268093");
  // NixOS's default: the STIG's 8192 on the command line, but the module re-sets -b 1024 at runtime.
  auto split = evaluate_status(backlog, {"audit=1 audit_backlog_limit=8192", status_1024, ""});
  EXPECT_EQ(split.verdict, Verdict::Open);
  ASSERT_EQ(split.reasons.size(), 1U);
  EXPECT_NE(split.reasons[0].find("backlog_limit is 1024 on auditctl -s"), std::string::npos);
  EXPECT_EQ(evaluate_status(backlog, {"audit_backlog_limit=8192", status_8192, ""}).verdict, Verdict::NotAFinding);
  auto immutable = find_stig_rule("V-268119");
  EXPECT_EQ(evaluate_status(immutable, {"", status_1024, ""}).verdict, Verdict::Open);
  EXPECT_EQ(evaluate_status(immutable, {"", status_8192, ""}).verdict, Verdict::NotAFinding);
}


// V-268080 (audit and auditd enabled; V1R2: `systemctl is-active` of audit and auditd) and V-268090
// (the audit package installed; V1R2: the audit service active) from what the guest shows: the
// kernel's enabled flag and auditd's registration, the services (systemd's word on its units, or
// whether auditd runs where PID 1 is not systemd) and the audit package's programs.
TEST(StatusChecks, AuditDaemonAndPackageAreReadFromTheGuestsServices) {
  auto daemon = find_stig_rule("V-268080");
  auto package = find_stig_rule("V-268090");
  const std::string systemd_up = "init systemd\nauditd active\naudit active\naudit_unit audit-rules-nixos.service\naudit_package installed\n";
  const std::string busybox_up = "init other\nauditd active\naudit_package installed\n";
  for (const auto& services : {systemd_up, busybox_up})
    for (const char* running : {"enabled 1\npid 120\n", "enabled 2\npid 7\n"}) {
      EXPECT_EQ(evaluate_status(daemon, {"", running, services}).verdict, Verdict::NotAFinding) << running << services;
      EXPECT_EQ(evaluate_status(package, {"", running, services}).verdict, Verdict::NotAFinding) << running << services;
    }
  // audit-rules-nixos failed at boot (a rules line that does not load): the audit service is not active.
  const std::string failed = "init systemd\nauditd active\naudit failed\naudit_unit audit-rules-nixos.service\naudit_package installed\n";
  auto unit_failed = evaluate_status(daemon, {"", "enabled 1\npid 120\n", failed});
  EXPECT_EQ(unit_failed.verdict, Verdict::Open);
  ASSERT_EQ(unit_failed.reasons.size(), 1U);
  EXPECT_EQ(unit_failed.reasons[0], "audit is failed on the guest's audit services, required = active");
  EXPECT_EQ(evaluate_status(package, {"", "enabled 1\npid 120\n", failed}).verdict, Verdict::Open);
  // The busybox guest has no units: the unit's condition is not evaluated there, auditd's process is.
  auto no_daemon = evaluate_status(daemon, {"", "enabled 1\npid 0\n", "init other\nauditd inactive\naudit_package installed\n"});
  EXPECT_EQ(no_daemon.verdict, Verdict::Open);
  ASSERT_EQ(no_daemon.reasons.size(), 2U);
  EXPECT_NE(no_daemon.reasons[0].find("pid is 0 on auditctl -s"), std::string::npos) << no_daemon.reasons[0];
  EXPECT_EQ(no_daemon.reasons[1], "auditd is inactive on the guest's audit services, required = active");
  EXPECT_EQ(evaluate_status(package, {"", "enabled 1\npid 0\n", "init other\nauditd inactive\naudit_package installed\n"}).verdict,
            Verdict::NotAFinding);
  // security.audit.enable = false: auditing off, V-268080 Open; the package is still installed.
  EXPECT_EQ(evaluate_status(daemon, {"", "enabled 0\npid 120\n", busybox_up}).verdict, Verdict::Open);
  auto missing = evaluate_status(package, {"", "enabled 1\npid 0\n", "init other\nauditd inactive\naudit_package missing auditd ausearch\n"});
  EXPECT_EQ(missing.verdict, Verdict::Open);
  ASSERT_EQ(missing.reasons.size(), 1U);
  EXPECT_EQ(missing.reasons[0], "audit_package is missing auditd ausearch on the guest's audit services, required = installed");
  // Nothing reported (a guest that did not answer) is Open, never passed over.
  EXPECT_EQ(evaluate_status(package, {"", "enabled 1\npid 120\n", ""}).verdict, Verdict::Open);
  EXPECT_EQ(evaluate_status(daemon, {"", "enabled 1\npid 120\n", ""}).verdict, Verdict::Open);
}

}  // namespace
}  // namespace auditvm::check
