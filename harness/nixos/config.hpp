// A NixOS configuration fragment (JSON, the same file Nix imports with builtins.fromJSON),
// restricted to the options auditvm understands, validated the way NixOS's module system would.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace auditvm::nixos {

enum class AuditEnable { off, on, lock };
enum class FailureMode { silent, printk, panic };

struct NixosConfig {
  AuditEnable audit_enable = AuditEnable::off;   // security.audit.enable: false | true | "lock"
  FailureMode failure_mode = FailureMode::printk;
  std::int64_t backlog_limit = 1024;
  std::int64_t rate_limit = 0;
  std::vector<std::string> rules;                 // security.audit.rules, in order
  bool auditd_enable = false;                     // security.auditd.enable
  std::map<std::string, std::string> auditd_settings;
  std::map<std::string, std::string> sysctl;      // boot.kernel.sysctl
  std::vector<std::string> extra_kernel_params;   // boot.kernelParams
};

// Validates `fragment`. `source` names the file and `pointer_prefix` where the fragment sits in it
// (e.g. "/configurations/3/nixos"), so errors read "scenarios/x.json: /configurations/3/nixos/security/audit/rules/0: ...".
NixosConfig load_config(const nlohmann::json& fragment, const std::string& source, const std::string& pointer_prefix = "");
NixosConfig load_config_file(const std::filesystem::path& file);

}  // namespace auditvm::nixos
