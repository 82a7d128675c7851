// Both backends, both arches, one suite: a real guest booted from the cached default image.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <future>
#include <thread>

#include <unistd.h>

#include "image/builder.hpp"
#include "machine/machine.hpp"
#include "support/temp_dir.hpp"

namespace auditvm::machine {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

struct Case {
  Backend backend;
  Arch arch;
};

std::string case_name(const testing::TestParamInfo<Case>& info) {
  return std::string(info.param.backend == Backend::qemu ? "qemu_" : "libvirt_") + std::string(to_string(info.param.arch));
}

class MachineTest : public testing::TestWithParam<Case> {
 protected:
  void SetUp() override {
    auto manifest = image::find_image(GetParam().arch);
    ASSERT_TRUE(manifest) << "build the images first: auditvm image build --arch all";
    logs_ = test::make_temp_dir("vmtest");
    BootOptions boot;
    boot.console_log = logs_ / "console.log";
    boot.boot_timeout = 120s;
    boot.accel = Accel::tcg;  // what CI has; KVM here may be nested and broken
    BackendOptions backend{GetParam().backend, "qemu:///system"};
    machine_ = make_machine(*manifest, boot, backend);
    machine_->boot();
  }
  void TearDown() override {
    machine_.reset();
    fs::remove_all(logs_);
  }
  fs::path logs_;
  std::unique_ptr<Machine> machine_;
};

TEST_P(MachineTest, RunsCommandsWithExitStatusStdoutAndStderrApart) {
  auto result = machine_->run("echo out; echo err >&2; exit 3", 60s);
  EXPECT_EQ(result.exit_status, 3);
  EXPECT_EQ(result.out, "out\n");
  EXPECT_EQ(result.err, "err\n");
  EXPECT_EQ(machine_->run("uname -m", 60s).out, std::string(to_string(GetParam().arch)) + "\n");
}

TEST_P(MachineTest, OutputIsBinarySafeAndLarge) {
  auto binary = machine_->run("printf 'a\\000b\\377\\n'", 60s);
  EXPECT_EQ(binary.out, std::string("a\0b\xff\n", 5));
  auto large = machine_->run("head -c 1048576 /dev/zero | tr '\\000' x", 120s);
  EXPECT_EQ(large.out, std::string(1048576, 'x'));
}

TEST_P(MachineTest, ArgumentsCannotInjectIntoTheChannel) {
  auto result = machine_->run("printf '%s' \"it's \\\"quoted\\\" $HOME\"; echo '@avm@ 1 0 x x'", 60s);
  EXPECT_EQ(result.out, "it's \"quoted\" /root@avm@ 1 0 x x\n");
}

TEST_P(MachineTest, ReadsFiles) {
  auto passwd = machine_->read_file("/etc/passwd", 60s);
  EXPECT_NE(passwd.find("u1000:x:1000:1000"), std::string::npos);
  EXPECT_THROW(machine_->read_file("/does/not exist", 60s), std::exception);
}

TEST_P(MachineTest, HangingCommandHitsItsTimeoutAndTheChannelRecovers) {
  EXPECT_THROW(machine_->run("sleep 1000.25 & sleep 1000.5", 2s), CommandTimeout);
  // The guest-side watchdog kills the command's whole process group a few seconds later (else the
  // shell would stay busy for 1000 s); the late reply carries an old sequence number and is skipped.
  EXPECT_EQ(machine_->run("echo still here; pgrep -f 'sleep 1000[.]' || echo none left", 60s).out, "still here\nnone left\n");
}

TEST_P(MachineTest, KillingTheVmMidCommandIsReportedAsDeath) {
  auto pending = std::async(std::launch::async, [&] { return machine_->run("sleep 60", 120s); });
  std::this_thread::sleep_for(1s);
  // [q] keeps the pattern from matching the shell that runs pkill.
  // Direct QEMU names the console log on its command line, libvirt's QEMU the domain (auditvm-PID-N).
  std::string kill = "pkill -KILL -f '[q]emu-system.*(" + (logs_ / "console.log").string() + "|guest=auditvm-" +
                     std::to_string(::getpid()) + "-)'";
  ASSERT_EQ(std::system(kill.c_str()), 0);
  EXPECT_THROW(pending.get(), MachineDied);
}

TEST_P(MachineTest, ShutsDownCleanly) {
  EXPECT_NO_THROW(machine_->shutdown());
  EXPECT_TRUE(fs::exists(logs_ / "console.log"));
}

INSTANTIATE_TEST_SUITE_P(Backends, MachineTest,
                         testing::Values(Case{Backend::qemu, Arch::x86_64}, Case{Backend::qemu, Arch::aarch64},
                                         Case{Backend::libvirt, Arch::x86_64}, Case{Backend::libvirt, Arch::aarch64}),
                         case_name);

}  // namespace
}  // namespace auditvm::machine
