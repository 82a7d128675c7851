#include <gtest/gtest.h>

#include <fstream>

#include "machine/qemu/qemu_command.hpp"
#include "machine/qemu/snapshot.hpp"

namespace auditvm::machine {
namespace {

namespace fs = std::filesystem;

SnapshotKey key(const std::string& command_line = "console=ttyS0 quiet audit=1 audit_backlog_limit=8192") {
  image::Manifest m;
  m.arch = Arch::x86_64;
  m.cache_key = "x86_64-abc-def";
  m.kernel = "/images/x/vmlinux";
  m.initrd = "/images/x/initrd.cpio";
  return snapshot_key(m, command_line, 256, Accel::tcg);
}

// A restored kernel keeps the command line it booted with: a cell asking for another one
// (audit=0, another backlog limit) must boot, whatever snapshot exists.
TEST(Snapshot, AnotherKernelCommandLineBootsNeverRestores) {
  SnapshotEntry saved{key(), SnapshotEntry::State::ready};
  EXPECT_EQ(choose_start(key(), &saved, 5), GuestStart::restore);
  EXPECT_EQ(choose_start(key("console=ttyS0 quiet audit=0"), &saved, 5), GuestStart::boot_and_save);
  EXPECT_EQ(choose_start(key("console=ttyS0 quiet audit=0"), &saved, 1), GuestStart::boot);
}

TEST(Snapshot, OtherMemoryImageOrAccelBoot) {
  SnapshotEntry saved{key(), SnapshotEntry::State::ready};
  auto more_memory = key();
  more_memory.memory_mib = 512;
  EXPECT_EQ(choose_start(more_memory, &saved, 1), GuestStart::boot);
  auto other_image = key();
  other_image.image += "2";
  EXPECT_EQ(choose_start(other_image, &saved, 1), GuestStart::boot);
  auto kvm = key();
  kvm.accel = Accel::kvm;
  SnapshotEntry kvm_saved{kvm, SnapshotEntry::State::ready};
  EXPECT_EQ(choose_start(kvm, &kvm_saved, 5), GuestStart::boot);  // KVM boots in a second: never snapshotted
}

TEST(Snapshot, SavedOnlyWhenAnotherGuestAlikeIsExpected) {
  EXPECT_EQ(choose_start(key(), nullptr, 1), GuestStart::boot);
  EXPECT_EQ(choose_start(key(), nullptr, 2), GuestStart::boot_and_save);
  SnapshotEntry making{key(), SnapshotEntry::State::being_made}, failed{key(), SnapshotEntry::State::failed};
  EXPECT_EQ(choose_start(key(), &making, 5), GuestStart::boot);  // not waited for
  EXPECT_EQ(choose_start(key(), &failed, 5), GuestStart::boot);  // not tried again
}

TEST(Snapshot, TheStoreHandsOutOneSnapshotPerKeyAndRemovesItsDirectory) {
  fs::path dir;
  {
    SnapshotStore store;
    EXPECT_EQ(store.begin(key(), 1).how, GuestStart::boot);
    EXPECT_TRUE(store.directory().empty());  // nothing made for a guest that is not saved
    auto first = store.begin(key(), 3);
    ASSERT_EQ(first.how, GuestStart::boot_and_save);
    dir = store.directory();
    EXPECT_EQ(first.file.parent_path(), dir);
    EXPECT_EQ(store.begin(key(), 3).how, GuestStart::boot);  // being made
    std::ofstream(first.file) << "state";
    store.finished(key(), true);
    auto second = store.begin(key(), 3);
    EXPECT_EQ(second.how, GuestStart::restore);
    EXPECT_EQ(second.file, first.file);
    EXPECT_EQ(second.console_log, first.console_log);
    // Another command line is another snapshot, claimed by its own first guest.
    auto other = store.begin(key("console=ttyS0 audit=0"), 2);
    EXPECT_EQ(other.how, GuestStart::boot_and_save);
    EXPECT_NE(other.file, first.file);
    store.finished(key("console=ttyS0 audit=0"), false);
    EXPECT_EQ(store.begin(key("console=ttyS0 audit=0"), 2).how, GuestStart::boot);
    EXPECT_TRUE(fs::is_directory(dir));
  }
  EXPECT_FALSE(fs::exists(dir));
}

// A snapshot that did not load (the VM test corrupts one) is not handed out again, and its file goes.
TEST(Snapshot, ASnapshotThatFailedToLoadIsNeverRestoredAgain) {
  SnapshotStore store;
  auto first = store.begin(key(), 3);
  ASSERT_EQ(first.how, GuestStart::boot_and_save);
  std::ofstream(first.file) << "state";
  store.finished(key(), true);
  ASSERT_EQ(store.begin(key(), 3).how, GuestStart::restore);
  store.failed_to_load(key());
  EXPECT_EQ(store.begin(key(), 3).how, GuestStart::boot);
  EXPECT_FALSE(fs::exists(first.file));
}

TEST(Snapshot, QemuSavesAndRestoresThroughItsQmpSocketAndTheFile) {
  image::Manifest m;
  m.arch = Arch::aarch64;
  m.kernel = "/k";
  m.initrd = "/i";
  QemuSnapshotOptions restore{"/run/d/qmp.sock", "/run/it's/guest-0.migration", true};
  auto argv = qemu_command(m, 256, Accel::tcg, "quiet", "/logs/c,1.log", "/run/d/shell.sock", restore);
  auto has = [&](const std::string& option, const std::string& value) {
    for (std::size_t i = 0; i + 1 < argv.size(); ++i)
      if (argv[i] == option && argv[i + 1] == value) return true;
    return false;
  };
  EXPECT_TRUE(has("-qmp", "unix:/run/d/qmp.sock,server=on,wait=off"));
  EXPECT_TRUE(has("-incoming", "exec:cat '/run/it'\\''s/guest-0.migration'"));
  EXPECT_TRUE(has("-chardev", "file,id=console,path=/logs/c,,1.log,append=on"));
  EXPECT_EQ(migration_uri("/run/d/guest-0.migration", true), "exec:cat > '/run/d/guest-0.migration'");
  auto boot = qemu_command(m, 256, Accel::tcg, "quiet", "/logs/c.log", "/run/d/shell.sock");
  EXPECT_EQ(std::count(boot.begin(), boot.end(), "-qmp"), 0);
  EXPECT_EQ(std::count(boot.begin(), boot.end(), "-incoming"), 0);
}

}  // namespace
}  // namespace auditvm::machine
