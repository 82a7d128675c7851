// The QEMU command line for a guest: per-arch machine and CPU choices (measured, see
// ../shared/notes/guest-facts.md), direct kernel boot, no network, the console socket.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "machine/machine.hpp"

namespace auditvm::machine {

// auto -> kvm when /dev/kvm is usable and the guest arch is the host's, else tcg.
Accel resolve_accel(Accel requested, Arch guest);

std::vector<std::string> qemu_command(const image::Manifest& manifest, unsigned memory_mib, Accel accel,
                                      const std::string& kernel_command_line, const std::filesystem::path& console_log,
                                      const std::filesystem::path& channel_socket);

}  // namespace auditvm::machine
