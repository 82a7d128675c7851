// The systemd units NixOS's security.audit and security.auditd modules define (current nixpkgs:
// audit-rules-nixos.service and auditd.service; NixOS 24.11: audit.service with its start and stop
// scripts, and auditd.service), rendered for a guest that boots them as NixOS does.
#pragma once

#include <string>
#include <vector>

#include "nixos/config.hpp"

namespace auditvm::nixos {

// Where the guest has what the modules take from the Nix store.
struct UnitPaths {
  std::string audit_bin;     // auditctl and auditd (NixOS: ${pkgs.audit}/bin)
  std::string shell;         // runtimeShell of the 24.11 scripts
  std::string mkdir;         // 24.11 auditd's ExecStartPre (${pkgs.coreutils}/bin/mkdir)
  std::string rules_file;    // current module: the audit.rules it loads
  std::string start_script;  // 24.11: audit-start
  std::string stop_script;   // 24.11: audit-stop
  std::string path;          // the PATH NixOS gives a service with `path = [ pkgs.audit ]`
};

struct Unit {
  std::string name;       // audit-rules-nixos.service
  std::string wanted_by;  // the target whose .wants holds it (wantedBy)
  std::string text;
};

// The audit service, then auditd's, as far as the configuration has them.
std::vector<Unit> render_units(const NixosConfig& config, const UnitPaths& paths);
// The unit that loads the rules: audit-rules-nixos.service, audit.service (24.11), or "" (none).
std::string audit_unit_name(const NixosConfig& config);
// NixOS 24.11's audit-start (or audit-disable when enable = false) and audit-stop scripts.
std::string audit_start_script(const NixosConfig& config, const UnitPaths& paths);
std::string audit_stop_script(const UnitPaths& paths);

}  // namespace auditvm::nixos
