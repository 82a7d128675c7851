// When a guest fails, the error says why, not only where the logs are: QEMU's own message when it
// refuses to start, the kernel's panic lines when the guest dies. And a comma in the run
// directory's path (XDG_RUNTIME_DIR) does not break QEMU's option lists.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <string>

#include "image/builder.hpp"
#include "machine/machine.hpp"
#include "support/temp_dir.hpp"

namespace auditvm::machine {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

class FailureTest : public testing::Test {
 protected:
  void SetUp() override {
    auto found = image::find_image(Arch::x86_64);
    ASSERT_TRUE(found) << "build the images first: auditvm image build --arch x86_64";
    manifest_ = *found;
    dir_ = test::make_temp_dir("failure");
    boot_.console_log = dir_ / "console.log";
    boot_.accel = Accel::tcg;
  }
  void TearDown() override { fs::remove_all(dir_); }
  image::Manifest manifest_;
  fs::path dir_;
  BootOptions boot_;
};

TEST_F(FailureTest, QemuThatRefusesToStartIsQuotedInTheError) {
  boot_.memory_mib = 1U << 30;  // 1 PiB: QEMU exits at once, saying why, on its stderr only
  auto machine = make_machine(manifest_, boot_, BackendOptions{});
  try {
    machine->boot();
    FAIL() << "booted with 1 PiB of memory";
  } catch (const MachineDied& e) {
    EXPECT_NE(std::string(e.what()).find("QEMU said:"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("qemu-system-x86_64: "), std::string::npos) << e.what();
  }
}

TEST_F(FailureTest, AKernelPanicIsQuotedInTheError) {
  auto machine = make_machine(manifest_, boot_, BackendOptions{});
  machine->boot();
  try {
    machine->run("echo c > /proc/sysrq-trigger", 60s);  // panic=-1 and -no-reboot: QEMU exits
    FAIL() << "the guest survived a crash";
  } catch (const MachineDied& e) {
    EXPECT_NE(std::string(e.what()).find("the guest kernel panicked: "), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("Kernel panic - not syncing: sysrq triggered crash"), std::string::npos) << e.what();
  }
}

TEST_F(FailureTest, ACommaInTheRunDirectoryPathIsHarmless) {
  fs::path runtime = dir_ / "run,time";
  fs::create_directories(runtime);
  const char* previous = ::getenv("XDG_RUNTIME_DIR");
  std::string saved = previous ? previous : "";
  ::setenv("XDG_RUNTIME_DIR", runtime.c_str(), 1);
  boot_.console_log = dir_ / "logs,1" / "console.log";
  auto machine = make_machine(manifest_, boot_, BackendOptions{});
  EXPECT_NO_THROW(machine->boot());
  if (previous) ::setenv("XDG_RUNTIME_DIR", saved.c_str(), 1); else ::unsetenv("XDG_RUNTIME_DIR");
  EXPECT_EQ(machine->run("echo ok", 60s).out, "ok\n");
  EXPECT_NO_THROW(machine->shutdown());
  EXPECT_TRUE(fs::is_empty(runtime)) << "the run directory was not removed";
}

}  // namespace
}  // namespace auditvm::machine
