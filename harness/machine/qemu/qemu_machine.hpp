// The default backend: QEMU started directly (Boost.Process).
#pragma once

#include <memory>

#include "machine/guest_machine.hpp"

namespace boost::process { class child; }

namespace auditvm::machine {

class QemuMachine : public GuestMachine {
 public:
  QemuMachine(image::Manifest manifest, BootOptions options);
  ~QemuMachine() override;

 protected:
  void start_vm(const std::filesystem::path& socket) override;
  bool vm_running() override;
  bool wait_vm_exit(std::chrono::milliseconds grace) override;
  void kill_vm() override;

 private:
  std::unique_ptr<boost::process::child> qemu_;
};

}  // namespace auditvm::machine
