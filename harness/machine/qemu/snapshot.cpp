#include "machine/qemu/snapshot.hpp"

#include <cstdlib>

#include "machine/cleanup.hpp"
#include "machine/run_directory.hpp"

namespace auditvm::machine {
namespace fs = std::filesystem;

SnapshotKey snapshot_key(const image::Manifest& manifest, const std::string& kernel_command_line, unsigned memory_mib, Accel accel) {
  std::string image = manifest.cache_key + "\n" + manifest.kernel.string() + "\n" + manifest.initrd.string();
  for (const auto& dir : manifest.shared_directories) image += "\n" + dir.host_path.string() + ":" + dir.mount_tag;
  return {image, manifest.arch, kernel_command_line, memory_mib, accel};
}

GuestStart choose_start(const SnapshotKey& wanted, const SnapshotEntry* snapshot, unsigned alike_boots) {
  if (wanted.accel != Accel::tcg) return GuestStart::boot;
  if (snapshot && snapshot->key == wanted) {
    switch (snapshot->state) {
      case SnapshotEntry::State::ready: return GuestStart::restore;
      case SnapshotEntry::State::being_made:  // another worker's guest is being saved: not worth the wait
      case SnapshotEntry::State::failed: return GuestStart::boot;
    }
  }
  // No snapshot of these options (one of another command line is no use: its kernel keeps that line).
  return alike_boots >= 2 ? GuestStart::boot_and_save : GuestStart::boot;
}

SnapshotStore::~SnapshotStore() {
  if (cleanup_id_) unregister_cleanup(cleanup_id_);
  std::error_code ignored;
  if (!dir_.empty()) fs::remove_all(dir_, ignored);
}

SnapshotStore::Start SnapshotStore::begin(const SnapshotKey& key, unsigned alike_boots) {
  std::lock_guard lock(mutex_);
  auto found = entries_.find(key);
  GuestStart how = choose_start(key, found == entries_.end() ? nullptr : &found->second, alike_boots);
  if (how == GuestStart::boot) return {};
  if (how == GuestStart::restore) {
    const auto& file = files_.at(key);
    return {how, file, fs::path(file).replace_extension(".console.log")};
  }
  if (dir_.empty()) {
    // A run directory: a run killed with -9 leaves it to the next run's sweep. Snapshots are
    // large (~80 MiB for a 256 MiB guest), so under TMPDIR, not the (often small) runtime tmpfs.
    cleanup_id_ = register_cleanup([this] {
      std::error_code ignored;
      fs::remove_all(dir_, ignored);
    });
    const char* base = std::getenv("TMPDIR");
    dir_ = make_run_directory(base && *base ? base : "/tmp");
  }
  fs::path file = dir_ / ("guest-" + std::to_string(files_.size()) + ".migration");
  entries_[key] = {key, SnapshotEntry::State::being_made};
  files_[key] = file;
  return {how, file, fs::path(file).replace_extension(".console.log")};
}

void SnapshotStore::finished(const SnapshotKey& key, bool saved) {
  std::lock_guard lock(mutex_);
  auto found = entries_.find(key);
  if (found == entries_.end()) return;
  found->second.state = saved ? SnapshotEntry::State::ready : SnapshotEntry::State::failed;
  if (!saved) {
    std::error_code ignored;
    fs::remove(files_.at(key), ignored);
  }
}

void SnapshotStore::failed_to_load(const SnapshotKey& key) { finished(key, false); }

fs::path SnapshotStore::directory() const {
  std::lock_guard lock(mutex_);
  return dir_;
}

}  // namespace auditvm::machine
