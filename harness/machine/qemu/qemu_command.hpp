// The QEMU command line for a guest: per-arch machine and CPU choices (measured, see
// ../shared/notes/guest-facts.md), direct kernel boot, no network, the console socket.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "machine/machine.hpp"

namespace auditvm::machine {

// `value` inside a QEMU option list (-chardev, -virtfs): QEMU splits at ',' and reads ",," as one.
std::string qemu_option_value(const std::string& value);

std::vector<std::string> qemu_command(const image::Manifest& manifest, unsigned memory_mib, Accel accel,
                                      const std::string& kernel_command_line, const std::filesystem::path& console_log,
                                      const std::filesystem::path& channel_socket);

}  // namespace auditvm::machine
