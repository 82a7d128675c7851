// The NixOS options auditvm models, declared as nixpkgs declares them (types, defaults), for
// the current modules and for the NixOS 24.11 ones.
#pragma once

#include <string>

#include "nixos/option_types.hpp"

namespace auditvm::nixos {

// Which nixpkgs modules evaluate the fragment: the current security.audit (rules file loaded by
// audit-rules-nixos, kernel parameters, backlog 1024) and security.auditd (settings, plugins),
// or those of NixOS 24.11 and before (an `audit` service running a start script, backlog 64,
// an auditd module with nothing but `enable`).
enum class ModuleVersion { current, nixos_24_11 };
std::string_view to_string(ModuleVersion version);
ModuleVersion parse_module_version(const std::string& text);  // "current" or "24.11"; InputError otherwise

// security.audit, security.auditd, boot.kernel.sysctl and boot.kernelParams.
const OptionSet& declarations(ModuleVersion version);

// The plugins the current auditd module defines itself (af_unix, remote, filter, syslog), as
// a definition of security.auditd.plugins. Their paths name the audit package's store path,
// which only a real build knows, as /nix/store/<audit>/bin/audisp-...
const nlohmann::json& module_defined_auditd_plugins();

}  // namespace auditvm::nixos
