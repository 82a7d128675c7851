// Everything a guest that boots like NixOS needs from a configuration, as files: the units of the
// audit modules (enabled as wantedBy says), the rules file or 24.11's scripts, auditd.conf and its
// plugins, sysctl.d; and the kernel parameters. Which paths the guest has comes from UnitPaths.
#pragma once

#include <string>
#include <vector>

#include "nixos/config.hpp"
#include "nixos/units.hpp"

namespace auditvm::nixos {

struct BootFile {
  std::string path;         // absolute, in the guest
  std::string contents;
  unsigned mode = 0644;
  std::string link_target;  // not empty: a symlink to this
};

struct BootConfiguration {
  std::vector<BootFile> files;
  std::vector<std::string> kernel_params;
};

// The paths of auditvm's Debian systemd guest (auditctl in /sbin, bash, busybox's mkdir).
UnitPaths systemd_guest_paths();

BootConfiguration boot_configuration(const NixosConfig& config, const UnitPaths& paths);

}  // namespace auditvm::nixos
