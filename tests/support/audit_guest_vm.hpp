// A VM test fixture: the default guest of the parameter's arch booted under TCG (the suite is
// bookworm, or AUDITVM_TEST_SUITE), with auditd running and no rules loaded.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <memory>

#include "image/builder.hpp"
#include "machine/machine.hpp"
#include "scenario/guest_commands.hpp"
#include "support/temp_dir.hpp"

namespace auditvm::test {

class AuditGuestVm : public testing::TestWithParam<Arch> {
 protected:
  explicit AuditGuestVm(const char* name) : name_(name) {}
  void SetUp() override {
    using namespace std::chrono_literals;
    const char* env = std::getenv("AUDITVM_TEST_SUITE");
    auto suite = image::parse_suite(env && *env ? env : "bookworm");
    ASSERT_TRUE(suite);
    auto manifest = image::find_image(GetParam(), *suite);
    ASSERT_TRUE(manifest) << "build the images first: auditvm image build --arch all --suite " << suite->name;
    manifest_ = *manifest;
    logs_ = make_temp_dir(name_);
    machine::BootOptions boot;
    boot.console_log = logs_ / "console.log";
    boot.boot_timeout = 300s;
    boot.accel = machine::Accel::tcg;
    boot.extra_kernel_params = {"audit=1", "audit_backlog_limit=8192"};
    machine_ = machine::make_machine(manifest_, boot, {machine::Backend::qemu, ""});
    machine_->boot();
    // auditd starts before any rule: an always,task rule would otherwise audit auditd itself.
    // Just booted: the settings it shows are the boot's.
    auto status = machine_->run("auditctl -s", 60s);
    ASSERT_EQ(status.exit_status, 0) << status.out << status.err;
    auto started = machine_->run(scenario::reset_script(scenario::audit_settings(status.out)) + scenario::start_auditd_script(), 120s);
    ASSERT_EQ(started.exit_status, 0) << started.out << started.err;
  }
  void TearDown() override {
    machine_.reset();
    std::filesystem::remove_all(logs_);
  }
  const char* name_;
  image::Manifest manifest_;
  std::filesystem::path logs_;
  std::unique_ptr<machine::Machine> machine_;
};

}  // namespace auditvm::test
