// Fresh guests from a saved snapshot: the first guest booted with given boot options is migrated
// to a file once its shell is ready (before any cell ran), and later fresh guests alike start
// from that file with -incoming instead of booting (about 0.4 s against 2 s under TCG). The files
// live in the run's own directory (a run directory: removed when the run ends, on Ctrl-C, and by
// the next run when this one was killed) and are never shared with another run.
#pragma once

#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "core/arch.hpp"
#include "machine/machine.hpp"

namespace auditvm::machine {

// Everything a booted guest's state depends on. A restored guest keeps its snapshot's kernel
// command line, memory and devices: only an equal key may be restored.
struct SnapshotKey {
  std::string image;  // the image's cache key, kernel, initrd and shared directories
  Arch arch = Arch::x86_64;
  std::string kernel_command_line;
  unsigned memory_mib = 0;
  Accel accel = Accel::tcg;  // as resolved for this boot (never automatic)
  auto operator<=>(const SnapshotKey&) const = default;
};

SnapshotKey snapshot_key(const image::Manifest& manifest, const std::string& kernel_command_line, unsigned memory_mib, Accel accel);

enum class GuestStart { boot, boot_and_save, restore };

// The run's snapshot for the wanted key as far as the store knows it.
struct SnapshotEntry {
  SnapshotKey key;
  enum class State { being_made, ready, failed } state = State::being_made;
};

// How a fresh guest starts. Restored only from a ready snapshot whose key is the wanted one
// (another command line, memory or image: boot), and only under TCG (a KVM guest boots in about a
// second, and its CPU state is the host's); saved only when more guests alike are expected
// (`alike_boots` counts this one), since saving costs about a restore.
GuestStart choose_start(const SnapshotKey& wanted, const SnapshotEntry* snapshot, unsigned alike_boots);

class SnapshotStore {
 public:
  SnapshotStore() = default;
  ~SnapshotStore();  // removes the directory and every file in it
  SnapshotStore(const SnapshotStore&) = delete;
  SnapshotStore& operator=(const SnapshotStore&) = delete;

  struct Start {
    GuestStart how = GuestStart::boot;
    std::filesystem::path file;         // restore: read it; boot_and_save: write it
    std::filesystem::path console_log;  // the booted guest's console up to the save (restore, boot_and_save)
  };
  // Decides (choose_start) and, for boot_and_save, claims the key: guests alike that start
  // meanwhile boot. Thread-safe.
  Start begin(const SnapshotKey& key, unsigned alike_boots);
  // The claimed snapshot was written (or could not be: then nobody restores from it).
  void finished(const SnapshotKey& key, bool saved);
  // A guest could not be restored from the ready snapshot of `key`: later guests alike boot.
  void failed_to_load(const SnapshotKey& key);
  std::filesystem::path directory() const;  // empty until the first snapshot is claimed

 private:
  mutable std::mutex mutex_;
  std::map<SnapshotKey, SnapshotEntry> entries_;
  std::map<SnapshotKey, std::filesystem::path> files_;
  std::filesystem::path dir_;
  int cleanup_id_ = 0;
};

}  // namespace auditvm::machine
