// What NixOS's security.audit / security.auditd / boot modules make of a configuration: the
// rules file and the commands of the audit service, the kernel parameters, the files under /etc.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "nixos/config.hpp"

namespace auditvm::nixos {

// The rules file, byte for byte. Current module: the audit.rules that audit-rules-nixos loads
// with `auditctl -R` (-D, -b, -f, -r, the rules, an empty line, -e); empty when
// security.audit.enable = false (no file, no service). NixOS 24.11: the temporary file its start
// script fills, one rule a line (it sets -e -b -f -r with a separate auditctl call afterwards).
std::string render_rules(const NixosConfig& config);
// The line of that file holding config.rules[0] (the rules follow one a line), so a line auditctl
// names can be traced back to the rule it came from.
int first_rule_line(const NixosConfig& config);

// Does the audit service load the rules (enable != false)? Does auditd run?
bool loads_rules(const NixosConfig& config);
bool runs_auditd(const NixosConfig& config);

// What the audit service runs at boot, in order, with the rules file at `rules_path`. It stops
// at the first command that fails, so nothing after a failing `auditctl -R` happens. Empty when
// there is no service (current module with enable = false).
std::vector<std::string> audit_service_commands(const NixosConfig& config, const std::string& rules_path);

// What the audit service runs when it fails, so also after a failing `auditctl -R` at boot: the
// current module's ExecStopPost (systemd runs it on any stop, failure included), which turns
// auditing off and deletes every rule that did load; 24.11's ExecStop runs only after a start
// that succeeded, so nothing there.
std::vector<std::string> audit_service_failure_commands(const NixosConfig& config);

// Current module: audit=1 audit_backlog_limit=N when enabled; 24.11: audit=1 from the auditd
// module when auditd is enabled. Then boot.kernelParams.
std::vector<std::string> kernel_params(const NixosConfig& config);

// /etc/audit/auditd.conf (current module with auditd enabled; otherwise there is none: empty).
std::string render_auditd_conf(const NixosConfig& config);
// The plugin files under /etc/audit (plugins.d/<name>.conf, audisp-<name>.conf), by path.
std::map<std::string, std::string> render_auditd_plugin_files(const NixosConfig& config);
// /etc/sysctl.d/60-nixos.conf as far as boot.kernel.sysctl goes (NixOS adds defaults of its own,
// such as kernel.kptr_restrict = 1, that are not modelled).
std::string render_sysctl_conf(const NixosConfig& config);

}  // namespace auditvm::nixos
