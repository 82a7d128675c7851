// The libvirt backend: the guest as a transient domain through the libvirt C API, on any URI
// (qemu:///system here, qemu+ssh://host/system for a fleet: the image must then exist at the
// same paths on that host). The domain is destroyed on every exit path.
#pragma once

#include "machine/guest_machine.hpp"

struct _virConnect;
struct _virDomain;

namespace auditvm::machine {

class LibvirtMachine : public GuestMachine {
 public:
  LibvirtMachine(image::Manifest manifest, BootOptions options, std::string uri);
  ~LibvirtMachine() override;

 protected:
  void start_vm(const std::filesystem::path& socket) override;
  bool vm_running() override;
  bool wait_vm_exit(std::chrono::milliseconds grace) override;
  void kill_vm() override;

 private:
  std::string uri_;
  _virConnect* connection_ = nullptr;
  _virDomain* domain_ = nullptr;
};

}  // namespace auditvm::machine
