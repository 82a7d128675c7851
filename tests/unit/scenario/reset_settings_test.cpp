// The reset's audit settings: read from the boot's `auditctl -s`, set again in the reset's own
// rules file (failure first, enabled last), and checked by a real bash against what auditctl -s
// shows (here a stand-in auditctl printing a file).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/errors.hpp"
#include "core/process.hpp"
#include "scenario/guest_commands.hpp"
#include "support/temp_dir.hpp"

namespace auditvm::scenario {
namespace {

using testing::HasSubstr;

// What bookworm's auditctl 3.0.9 prints on its 6.1 kernel, booted with audit=1 audit_backlog_limit=8192
// (backlog_wait_time in jiffies: 60 s at HZ=250; --backlog_wait_time takes the same unit).
const std::string kBooted =
    "enabled 1\nfailure 1\npid 0\nrate_limit 0\nbacklog_limit 8192\nlost 0\nbacklog 0\nbacklog_wait_time 15000\n"
    "backlog_wait_time_actual 0\nloginuid_immutable 0 unlocked\n";

TEST(ResetSettings, ReadFromAuditctlStatus) {
  auto settings = audit_settings(kBooted);
  EXPECT_EQ(settings.enabled, 1);
  EXPECT_EQ(settings.failure, 1);
  EXPECT_EQ(settings.backlog_limit, 8192);
  EXPECT_EQ(settings.rate_limit, 0);
  EXPECT_EQ(settings.backlog_wait_time, 15000);
  // A kernel that does not show the wait time: nothing to restore of it.
  EXPECT_EQ(audit_settings("enabled 0\nfailure 2\nrate_limit 5\nbacklog_limit 64\n").backlog_wait_time, std::nullopt);
}

TEST(ResetSettings, AStatusWithoutAFieldIsAnError) {
  try {
    audit_settings("enabled 1\nfailure 1\nrate_limit 0\n");
    FAIL() << "no error";
  } catch (const InfraError& e) {
    EXPECT_THAT(e.what(), HasSubstr("backlog_limit"));
  }
}

TEST(ResetSettings, FailureModeFirstEnabledLast) {
  EXPECT_EQ(audit_settings_lines(audit_settings(kBooted)),
            (std::vector<std::string>{"-f 1", "-r 0", "-b 8192", "--backlog_wait_time 15000", "-e 1"}));
  AuditSettings no_wait{0, 2, 64, 5, std::nullopt};
  EXPECT_EQ(audit_settings_lines(no_wait), (std::vector<std::string>{"-f 2", "-r 5", "-b 64", "-e 0"}));
}

TEST(ResetSettings, TheResetSetsThemWithItsRuleDeletionAndChecksThem) {
  const auto script = reset_script(audit_settings(kBooted));
  EXPECT_THAT(script, HasSubstr("printf '%s\\n' $'-f 1' $'-r 0' $'-b 8192' $'--backlog_wait_time 15000' $'-D' $'-e 1' >/run/auditvm-reset.rules\n"
                                "auditctl -R /run/auditvm-reset.rules >/dev/null\n"));
  EXPECT_THAT(script, HasSubstr(check_audit_settings_script(audit_settings(kBooted))));
}

class ResetSettingsCheck : public test::TempDirTest {
 protected:
  ResetSettingsCheck() : TempDirTest("reset-settings") {}
  ProcessResult check(const AuditSettings& wanted, const std::string& shown) {
    std::filesystem::create_directories(dir_ / "bin");
    std::ofstream(dir_ / "status") << shown;
    std::ofstream(dir_ / "bin" / "auditctl") << "#!/bin/sh\n[ \"$1\" = -s ] && cat " << (dir_ / "status").string() << "\n";
    std::filesystem::permissions(dir_ / "bin" / "auditctl", std::filesystem::perms::owner_all);
    return run_process({"bash", "-c", "PATH=" + (dir_ / "bin").string() + ":$PATH\n" + check_audit_settings_script(wanted)});
  }
};

TEST_F(ResetSettingsCheck, PassesOnlyWhenEveryFieldIsTheBoots) {
  const auto booted = audit_settings(kBooted);
  EXPECT_EQ(check(booted, kBooted).exit_code, 0);
  // A set's -r 3 left behind.
  auto rate = check(booted, "enabled 1\nfailure 1\npid 0\nrate_limit 3\nbacklog_limit 8192\nbacklog_wait_time 15000\n");
  EXPECT_EQ(rate.exit_code, 1);
  EXPECT_THAT(rate.out, HasSubstr("audit status not restored: want rate_limit 0"));
  // Locked: "enabled 2" is not "enabled 1", nor is "enabled 10" (whole lines).
  EXPECT_EQ(check(booted, "enabled 2\nfailure 1\nrate_limit 0\nbacklog_limit 8192\nbacklog_wait_time 15000\n").exit_code, 1);
  EXPECT_EQ(check(booted, "enabled 10\nfailure 1\nrate_limit 0\nbacklog_limit 8192\nbacklog_wait_time 15000\n").exit_code, 1);
  // backlog_wait_time_actual is another field.
  EXPECT_EQ(check(booted, "enabled 1\nfailure 1\nrate_limit 0\nbacklog_limit 8192\nbacklog_wait_time_actual 15000\n").exit_code, 1);
}

}  // namespace
}  // namespace auditvm::scenario
