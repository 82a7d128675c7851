// The default backend: QEMU started directly, as a child of auditvm.
#pragma once

#include <memory>

#include "core/process.hpp"
#include "machine/guest_machine.hpp"

namespace auditvm::machine {

class QemuMachine : public GuestMachine {
 public:
  QemuMachine(image::Manifest manifest, BootOptions options);
  ~QemuMachine() override;

 protected:
  bool kvm_usable() override;
  void start_vm(const std::filesystem::path& socket) override;
  bool vm_running() override;
  bool wait_vm_exit(std::chrono::milliseconds grace) override;
  void kill_vm() override;
  std::string vm_messages() override;

 private:
  // Replaced only in start_vm (under the lifecycle lock); the child object itself is thread-safe.
  std::unique_ptr<ChildProcess> qemu_;
};

}  // namespace auditvm::machine
