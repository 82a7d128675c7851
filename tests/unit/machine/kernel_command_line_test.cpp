#include <gtest/gtest.h>

#include "machine/kernel_command_line.hpp"

namespace auditvm::machine {
namespace {

image::Manifest manifest_of(Arch arch) {
  image::Manifest m;
  m.arch = arch;
  m.kernel_params = {"console=ttyS0", "quiet"};
  return m;
}

// A difftest run at load 13 lost a cell to "IO-APIC + timer doesn't work!": x86_64 guests skip that
// check on every boot, whatever image they boot.
TEST(KernelCommandLine, X86_64SkipsTheTimerCheckOnEveryBoot) {
  EXPECT_EQ(kernel_command_line(manifest_of(Arch::x86_64), {"audit=1"}), "console=ttyS0 quiet no_timer_check audit=1");
  EXPECT_EQ(kernel_command_line(manifest_of(Arch::aarch64), {"audit=1"}), "console=ttyS0 quiet audit=1");
}

TEST(KernelCommandLine, SharedDirectoriesComeLast) {
  auto m = manifest_of(Arch::aarch64);
  m.shared_directories.push_back({});
  m.shared_directories.back().mount_tag = "nix-store";
  m.shared_directories.back().guest_path = "/nix/store";
  EXPECT_EQ(kernel_command_line(m, {}), "console=ttyS0 quiet auditvm.share=nix-store:/nix/store");
}

}  // namespace
}  // namespace auditvm::machine
