// What a systemd guest adds to the default guest's initramfs: systemd as /init, the programs and
// Debian units guest/systemd/layout names (with their libraries), and guest/systemd/rootfs (the
// backdoor service and its helpers). The configuration's own units come per configuration
// (configured_guest.hpp).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "core/arch.hpp"
#include "image/initramfs_layout.hpp"
#include "image/manifest.hpp"

namespace auditvm::image {

std::filesystem::path systemd_source_dir();  // guest/systemd

// One line of guest/systemd/layout.
struct SystemdLayoutEntry {
  enum class Kind { program, optional_program, unit, wants } kind;
  std::string path;    // program: its path; unit: its name; wants: the unit
  std::string target;  // wants: the target
};
// InputError naming the file and line for a line it cannot read.
std::vector<SystemdLayoutEntry> parse_systemd_layout(const std::string& text, const std::string& file);

// Where the suite's packages have `path` in the unpacked `tree`, its directory links followed
// (trixie's /lib -> usr/lib: /lib/systemd/systemd is /usr/lib/systemd/systemd; bookworm: as given).
std::string package_path(const std::filesystem::path& tree, const std::string& path);

void add_systemd(InitramfsLayout& initramfs, const std::filesystem::path& tree, Arch arch, Manifest& manifest);

}  // namespace auditvm::image
