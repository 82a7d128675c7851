// The default backend: QEMU started directly, as a child of auditvm.
#pragma once

#include <memory>

#include "core/process.hpp"
#include "machine/guest_machine.hpp"
#include "machine/qemu/snapshot.hpp"

namespace auditvm::machine {

class QemuMachine : public GuestMachine {
 public:
  QemuMachine(image::Manifest manifest, BootOptions options);
  ~QemuMachine() override;

 protected:
  bool kvm_usable() override;
  VmStart start_vm(const std::filesystem::path& socket) override;
  void shell_ready(Clock::time_point deadline) override;  // saves the snapshot when this guest claimed it
  void resume_restored(Clock::time_point deadline) override;
  void restore_failed(const std::string& why, double seconds) override;  // marks the snapshot failed
  bool vm_running() override;
  bool wait_vm_exit(std::chrono::milliseconds grace) override;
  void kill_vm() override;
  std::string vm_messages() override;

 private:
  // Replaced only in start_vm (under the lifecycle lock); the child object itself is thread-safe.
  std::unique_ptr<ChildProcess> qemu_;
  SnapshotKey snapshot_key_;
  SnapshotStore::Start snapshot_;  // how this guest started
  std::string restore_failure_;    // the console log's first line when a failed restore made it boot
};

}  // namespace auditvm::machine
