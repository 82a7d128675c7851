// The transient libvirt domain for a guest, as XML built with pugixml: the same machine as the
// QEMU backend (direct kernel boot, no network, file console log, virtio console to our socket).
#pragma once

#include <filesystem>
#include <string>

#include "machine/machine.hpp"

namespace auditvm::machine {

struct DomainSpec {
  std::string name;
  const image::Manifest* manifest = nullptr;
  std::filesystem::path kernel;  // as QEMU under libvirt can reach them
  std::filesystem::path initrd;
  std::string kernel_command_line;
  unsigned memory_mib = 256;
  bool kvm = false;
  std::filesystem::path console_log;
  std::filesystem::path channel_socket;
};

std::string domain_xml(const DomainSpec& spec);

}  // namespace auditvm::machine
