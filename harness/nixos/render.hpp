// What NixOS's current security.audit / security.auditd modules make of a configuration: the
// rules file audit-rules-nixos loads with `auditctl -R`, the kernel parameters, the services.
#pragma once

#include <string>
#include <vector>

#include "nixos/config.hpp"

namespace auditvm::nixos {

// The audit.rules text, byte for byte (including the empty line before -e). Empty when
// security.audit.enable = false (NixOS then writes no rules file and loads nothing).
std::string render_rules(const NixosConfig& config);

// audit=1 audit_backlog_limit=N (when enabled), then boot.kernelParams.
std::vector<std::string> kernel_params(const NixosConfig& config);

// Does audit-rules-nixos run (enable != false)? Does auditd run?
bool loads_rules(const NixosConfig& config);
bool runs_auditd(const NixosConfig& config);

// auditd.conf as NixOS renders security.auditd.settings over its defaults.
std::string render_auditd_conf(const NixosConfig& config);

}  // namespace auditvm::nixos
