// --accel auto: KVM when the backend offers it, and TCG when a KVM guest then fails (nested
// virtualisation here: /dev/kvm opens, QEMU aborts). Under libvirt the offer is libvirt's own
// (domain capabilities), since its QEMU runs as libvirt-qemu, not as us. Either way the guest boots.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>

#include "image/builder.hpp"
#include "machine/machine.hpp"
#include "support/temp_dir.hpp"

namespace auditvm::machine {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

class AccelAutoTest : public testing::TestWithParam<Backend> {};

TEST_P(AccelAutoTest, BootsAnX86GuestWithinAMinute) {
  auto manifest = image::find_image(Arch::x86_64);
  ASSERT_TRUE(manifest) << "build the images first: auditvm image build --arch x86_64";
  fs::path dir = test::make_temp_dir("accel");
  BootOptions boot;
  boot.console_log = dir / "console.log";
  boot.accel = Accel::automatic;
  auto started = std::chrono::steady_clock::now();
  auto machine = make_machine(*manifest, boot, BackendOptions{GetParam(), "qemu:///system"});
  ASSERT_NO_THROW(machine->boot());
  EXPECT_EQ(machine->run("echo ok", 60s).out, "ok\n");
  EXPECT_LT(std::chrono::steady_clock::now() - started, 60s);
  machine.reset();
  fs::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(Backends, AccelAutoTest, testing::Values(Backend::qemu, Backend::libvirt),
                         [](const testing::TestParamInfo<Backend>& info) { return info.param == Backend::qemu ? "qemu" : "libvirt"; });

}  // namespace
}  // namespace auditvm::machine
