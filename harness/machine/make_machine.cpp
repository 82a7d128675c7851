#include <algorithm>

#include "core/errors.hpp"
#include "machine/libvirt/libvirt_machine.hpp"
#include "machine/qemu/qemu_machine.hpp"

namespace auditvm::machine {

std::unique_ptr<Machine> make_machine(const image::Manifest& manifest, const BootOptions& options, const BackendOptions& backend) {
  // A guest may need more than the defaults (a NixOS guest boots systemd): its manifest says so.
  BootOptions boot = options;
  boot.memory_mib = std::max(boot.memory_mib, manifest.memory_mib);
  boot.boot_timeout = std::max(boot.boot_timeout, std::chrono::seconds(manifest.boot_timeout_s));
  switch (backend.backend) {
    case Backend::qemu: return std::make_unique<QemuMachine>(manifest, boot);
    case Backend::libvirt: return std::make_unique<LibvirtMachine>(manifest, boot, backend.libvirt_uri);
  }
  throw InfraError("unknown backend");
}

}  // namespace auditvm::machine
