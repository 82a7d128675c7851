#include "cli/run_options.hpp"

namespace auditvm::cli {

void MachineOptions::add_to(CLI::App& cmd) {
  cmd.add_option("--backend", backend, "qemu (direct) or libvirt")->check(CLI::IsMember({"qemu", "libvirt"}))->capture_default_str();
  cmd.add_option("--libvirt-uri", libvirt_uri, "libvirt connection URI (e.g. qemu+ssh://host/system)")->capture_default_str();
  cmd.add_option("--accel", accel, "auto (KVM when it works, else TCG), kvm or tcg")
      ->check(CLI::IsMember({"auto", "kvm", "tcg"}))
      ->capture_default_str();
  cmd.add_option("--cache-dir", cache_dir, "Image cache (default: $XDG_CACHE_HOME/auditvm/images)");
}

machine::BackendOptions MachineOptions::backend_options() const {
  return {backend == "libvirt" ? machine::Backend::libvirt : machine::Backend::qemu, libvirt_uri};
}

machine::Accel MachineOptions::accel_value() const {
  if (accel == "kvm") return machine::Accel::kvm;
  if (accel == "tcg") return machine::Accel::tcg;
  return machine::Accel::automatic;
}

}  // namespace auditvm::cli
