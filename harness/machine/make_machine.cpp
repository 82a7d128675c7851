#include "core/errors.hpp"
#include "machine/libvirt/libvirt_machine.hpp"
#include "machine/qemu/qemu_machine.hpp"

namespace auditvm::machine {

std::unique_ptr<Machine> make_machine(const image::Manifest& manifest, const BootOptions& boot, const BackendOptions& backend) {
  switch (backend.backend) {
    case Backend::qemu: return std::make_unique<QemuMachine>(manifest, boot);
    case Backend::libvirt: return std::make_unique<LibvirtMachine>(manifest, boot, backend.libvirt_uri);
  }
  throw InfraError("unknown backend");
}

}  // namespace auditvm::machine
