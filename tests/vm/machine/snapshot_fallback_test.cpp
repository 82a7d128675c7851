// A snapshot that does not load (here: truncated, as a full disk would leave it) costs the
// attempt, not the cell: the guest boots instead, its console log says so first, and the snapshot
// is not handed out again. Both arches.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "image/builder.hpp"
#include "machine/machine.hpp"
#include "machine/qemu/snapshot.hpp"
#include "support/temp_dir.hpp"

namespace auditvm::machine {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

class SnapshotFallbackVm : public test::TempDirTest, public testing::WithParamInterface<Arch> {
 protected:
  SnapshotFallbackVm() : TempDirTest("snapshot-fallback") {}
};

std::string read_all(const fs::path& file) {
  std::ifstream in(file);
  return {std::istreambuf_iterator<char>(in), {}};
}

TEST_P(SnapshotFallbackVm, ASnapshotThatDoesNotLoadBootsTheGuestInstead) {
  auto manifest = image::find_image(GetParam());
  ASSERT_TRUE(manifest) << "build the images first: auditvm image build --arch all";
  SnapshotStore store;
  BootOptions boot;
  boot.accel = Accel::tcg;
  boot.extra_kernel_params = {"audit=1"};
  boot.snapshots = &store;
  boot.alike_boots = 3;
  boot.console_log = dir_ / "saved.console.log";
  auto saved = make_machine(*manifest, boot, BackendOptions{});
  saved->boot();
  ASSERT_FALSE(saved->restored());
  saved->shutdown();

  fs::path file;
  for (const auto& entry : fs::directory_iterator(store.directory()))
    if (entry.path().extension() == ".migration") file = entry.path();
  ASSERT_FALSE(file.empty()) << "the first guest was not saved";
  fs::resize_file(file, fs::file_size(file) / 2);

  boot.console_log = dir_ / "fallback.console.log";
  auto guest = make_machine(*manifest, boot, BackendOptions{});
  ASSERT_NO_THROW(guest->boot());
  EXPECT_FALSE(guest->restored());
  EXPECT_EQ(guest->run("echo ok", 60s).out, "ok\n");
  const std::string console = read_all(boot.console_log);
  EXPECT_EQ(console.rfind("[auditvm: restoring this guest from its snapshot failed after ", 0), 0U) << console.substr(0, 400);
  EXPECT_EQ(console.find("this one restored from it"), std::string::npos) << "the failed restore's log was kept";
  EXPECT_FALSE(fs::exists(file)) << "the snapshot that failed is still handed out";
  guest->shutdown();
}

INSTANTIATE_TEST_SUITE_P(Arches, SnapshotFallbackVm, testing::Values(Arch::x86_64, Arch::aarch64),
                         [](const auto& info) { return std::string(to_string(info.param)); });

}  // namespace
}  // namespace auditvm::machine
