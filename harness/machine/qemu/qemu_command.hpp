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

// What a snapshot adds (snapshot.hpp): a QMP socket to stop, migrate and resume the guest with,
// the migration file a restored guest starts from, and the console log continued, not truncated.
struct QemuSnapshotOptions {
  std::filesystem::path qmp_socket;  // empty: no QMP monitor
  std::filesystem::path incoming;    // empty: boot
  bool append_console = false;
};

std::vector<std::string> qemu_command(const image::Manifest& manifest, unsigned memory_mib, Accel accel,
                                      const std::string& kernel_command_line, const std::filesystem::path& console_log,
                                      const std::filesystem::path& channel_socket, const QemuSnapshotOptions& snapshot = {});

// The QEMU migration URI that writes to (`write`) or reads from `file` (QEMU 7.2 has no file:).
std::string migration_uri(const std::filesystem::path& file, bool write);

}  // namespace auditvm::machine
