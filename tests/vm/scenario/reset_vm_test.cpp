// The reset between two cells of one guest, in real guests: a rule set's audit settings (-b, -r,
// -f, --backlog_wait_time, -e) do not reach the next cell, which sees the ones the guest booted
// with; a locked guest (-e 2) cannot be reset, and says so.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "check/status_checks.hpp"
#include "check/stig.hpp"
#include "core/errors.hpp"
#include "image/builder.hpp"
#include "nixos/render.hpp"
#include "scenario/cell_runner.hpp"
#include "support/temp_dir.hpp"

namespace auditvm::scenario {
namespace {

using namespace std::chrono_literals;
using testing::HasSubstr;

class ResetVmTest : public test::TempDirTest, public ::testing::WithParamInterface<Arch> {
 protected:
  ResetVmTest() : TempDirTest("reset") {}
  void SetUp() override {
    TempDirTest::SetUp();
    scenario_ = load_scenario(check::shipped_scenarios_dir() / "V-268096.json");
    scenario_.arches = {GetParam()};
  }
  void TearDown() override {
    guest_.reset();  // before its console log's directory goes
    TempDirTest::TearDown();
  }
  // One configuration a cell: `first` then `second`, in one guest booted for `first`.
  void configure(const nixos::NixosConfig& first, const nixos::NixosConfig& second) {
    scenario_.configurations.resize(2);
    scenario_.configurations[0].name = "first";
    scenario_.configurations[0].config = first;
    scenario_.configurations[1].name = "second";
    scenario_.configurations[1].config = second;
    auto manifest = image::find_image(GetParam());
    ASSERT_TRUE(manifest) << "build the images first: auditvm image build --arch all";
    machine::BootOptions boot;
    boot.console_log = dir_ / "console.log";
    boot.accel = machine::Accel::tcg;
    boot.extra_kernel_params = nixos::kernel_params(first);
    guest_ = machine::make_machine(*manifest, boot, {machine::Backend::qemu, ""});
    guest_->boot();
  }
  report::CellResult run(std::size_t index, bool reset_first) {
    Cell cell{&scenario_, &scenario_.configurations[index], GetParam(), ""};
    return run_cell(*guest_, cell, check::find_stig_rule(scenario_.stig), reset_first, dir_, check::predict, {}, &facts_);
  }
  static nixos::NixosConfig loading(std::vector<std::string> rules) {
    nixos::NixosConfig config;
    config.audit_enable = nixos::AuditEnable::on;
    config.auditd_enable = true;
    config.rules = std::move(rules);
    return config;
  }
  Scenario scenario_;
  std::unique_ptr<machine::Machine> guest_;
  std::optional<GuestFacts> facts_;
};

// The first set's load stops after its settings (the closing -e 1 never runs; NixOS's failure
// commands turn auditing off); the second cell loads nothing, so what it shows is the reset's.
TEST_P(ResetVmTest, TheNextCellSeesTheAuditSettingsTheGuestBootedWith) {
  ASSERT_NO_FATAL_FAILURE(configure(loading({"-b 17", "-r 3", "-f 0", "--backlog_wait_time 1234", "-e 0", "-a always,exit -F arch=b64 -S nosuchcall"}),
            nixos::NixosConfig{}));
  auto booted = guest_->run("auditctl -s", 60s);
  ASSERT_EQ(booted.exit_status, 0) << booted.err;
  const auto boot = check::parse_auditctl_status(booted.out);
  ASSERT_EQ(boot.number("enabled"), 1) << booted.out;
  ASSERT_EQ(boot.number("rate_limit"), 0) << booted.out;

  auto first = run(0, false);
  ASSERT_TRUE(first.evidence) << first.infra_error;
  const auto set = check::parse_auditctl_status(first.evidence->auditctl_s_before);
  // The set really changed them (else the test proves nothing).
  EXPECT_EQ(set.number("enabled"), 0) << first.evidence->auditctl_s_before;
  EXPECT_EQ(set.number("failure"), 0) << first.evidence->auditctl_s_before;
  EXPECT_EQ(set.number("backlog_limit"), 17) << first.evidence->auditctl_s_before;
  EXPECT_EQ(set.number("rate_limit"), 3) << first.evidence->auditctl_s_before;
  EXPECT_EQ(set.number("backlog_wait_time"), 1234) << first.evidence->auditctl_s_before;

  auto second = run(1, true);
  ASSERT_TRUE(second.evidence) << second.infra_error;
  const auto after = check::parse_auditctl_status(second.evidence->auditctl_s_before);
  for (const char* field : {"enabled", "failure", "backlog_limit", "rate_limit", "backlog_wait_time"}) {
    ASSERT_TRUE(boot.number(field)) << field << " missing at boot: " << booted.out;
    EXPECT_EQ(after.number(field), boot.number(field)) << field << ": " << second.evidence->auditctl_s_before;
  }
}

// -e 2 holds until the guest reboots: the reset fails (the matrix gives lock cells a guest of
// their own; difftest reboots and runs the set again).
TEST_P(ResetVmTest, ALockedGuestFailsItsReset) {
  auto locked = loading({});
  locked.audit_enable = nixos::AuditEnable::lock;
  ASSERT_NO_FATAL_FAILURE(configure(locked, nixos::NixosConfig{}));
  auto first = run(0, false);
  ASSERT_TRUE(first.evidence) << first.infra_error;
  ASSERT_EQ(check::parse_auditctl_status(first.evidence->auditctl_s_before).number("enabled"), 2) << first.evidence->auditctl_s_before;
  try {
    run(1, true);
    FAIL() << "the reset of a locked guest passed";
  } catch (const InfraError& e) {
    EXPECT_THAT(e.what(), HasSubstr("audit status not restored: want enabled 1"));
  }
}

INSTANTIATE_TEST_SUITE_P(BothArches, ResetVmTest, ::testing::Values(Arch::x86_64, Arch::aarch64),
                         [](const auto& info) { return std::string(to_string(info.param)); });

}  // namespace
}  // namespace auditvm::scenario
