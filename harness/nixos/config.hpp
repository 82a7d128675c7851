// A NixOS configuration fragment (JSON, the same file Nix imports with builtins.fromJSON),
// restricted to the options auditvm understands and evaluated the way NixOS's module system
// would: unknown options and wrong types are errors worded as NixOS words them, undefined
// options take nixpkgs' defaults, and what the modules define themselves is merged in.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "nixos/options.hpp"

namespace auditvm::nixos {

enum class AuditEnable { off, on, lock };
enum class FailureMode { silent, printk, panic };

// An auditd.conf-style file as NixOS renders it: values already in their text form
// (booleans yes/no, lists space-separated); nullopt is a null value, written "#key =".
using ConfText = std::map<std::string, std::optional<std::string>>;

struct AuditdPlugin {
  ConfText conf;                    // /etc/audit/plugins.d/<name>.conf
  std::optional<ConfText> settings; // /etc/audit/audisp-<name>.conf, when the plugin has settings
};

struct NixosConfig {
  ModuleVersion module = ModuleVersion::current;
  AuditEnable audit_enable = AuditEnable::off;   // security.audit.enable: false | true | "lock"
  FailureMode failure_mode = FailureMode::printk;
  std::int64_t backlog_limit = 1024;
  std::int64_t rate_limit = 0;
  std::vector<std::string> rules;                 // security.audit.rules, in order
  std::optional<std::string> audit_package;       // security.audit.package (the guests bring their own audit)
  bool auditd_enable = false;                     // security.auditd.enable
  ConfText auditd_settings;                       // security.auditd.settings with the module's defaults
  std::map<std::string, AuditdPlugin> auditd_plugins;
  std::map<std::string, std::string> sysctl;      // boot.kernel.sysctl without nulls, values as sysctl.d gets them
  std::vector<std::string> extra_kernel_params;   // boot.kernelParams
};

// Evaluates `fragment`. `source` names the file and `pointer_prefix` where the fragment sits in it
// (e.g. "/configurations/3/nixos"), so errors read
// "scenarios/x.json: /configurations/3/nixos/security/audit/rules/0: A definition for option ...".
// Errors carry no line: a caller holding the file's text adds it with JsonLines::locate.
NixosConfig load_config(const nlohmann::json& fragment, const std::string& source, const std::string& pointer_prefix = "",
                        ModuleVersion module = ModuleVersion::current);
// A fragment in its own file; errors name the file, the JSON path and the line.
NixosConfig load_config_file(const std::filesystem::path& file, ModuleVersion module = ModuleVersion::current);

}  // namespace auditvm::nixos
