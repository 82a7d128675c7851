// The libvirt backend: the guest as a transient domain through the libvirt C API on a local URI
// (qemu:///system). The domain is destroyed on every exit path.
#pragma once

#include <memory>

#include "machine/guest_machine.hpp"

struct _virConnect;
struct _virDomain;

namespace auditvm::machine {

class LibvirtMachine : public GuestMachine {
 public:
  LibvirtMachine(image::Manifest manifest, BootOptions options, std::string uri);
  ~LibvirtMachine() override;

 protected:
  bool kvm_usable() override;
  VmStart start_vm(const std::filesystem::path& socket) override;  // always boots (no snapshots here)
  bool vm_running() override;
  bool wait_vm_exit(std::chrono::milliseconds grace) override;
  void kill_vm() override;
  std::string vm_messages() override;

 private:
  struct CloseConnection {
    void operator()(_virConnect* connection) const;
  };
  _virConnect* connection();  // opened once per machine, closed with it (also across a KVM fallback)

  std::string uri_;
  std::string domain_name_;
  std::unique_ptr<_virConnect, CloseConnection> connection_;
  _virDomain* domain_ = nullptr;
};

}  // namespace auditvm::machine
