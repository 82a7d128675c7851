#include "nixos/render.hpp"

namespace auditvm::nixos {
namespace {

int failure_flag(FailureMode mode) { return mode == FailureMode::silent ? 0 : mode == FailureMode::printk ? 1 : 2; }
std::string enable_flag(const NixosConfig& config) { return config.audit_enable == AuditEnable::lock ? "2" : "1"; }

// auditd.nix's prepareConfigText: `key = value` lines in attribute order, nulls commented out.
std::string conf_text(const ConfText& conf) {
  std::string text;
  for (const auto& [key, value] : conf) text += value ? key + " = " + *value + "\n" : "#" + key + " =\n";
  return text;
}

}  // namespace

bool loads_rules(const NixosConfig& config) { return config.audit_enable != AuditEnable::off; }
bool runs_auditd(const NixosConfig& config) { return config.auditd_enable; }

std::string render_rules(const NixosConfig& config) {
  std::string rules;
  for (const auto& rule : config.rules) rules += rule + "\n";
  if (config.module == ModuleVersion::nixos_24_11) return loads_rules(config) ? rules : "";
  if (!loads_rules(config)) return "";
  // The module's template puts `${lib.concatLines cfg.rules}` on a line of its own, hence the empty line.
  return "-D\n-b " + std::to_string(config.backlog_limit) + "\n-f " + std::to_string(failure_flag(config.failure_mode)) + "\n-r " +
         std::to_string(config.rate_limit) + "\n" + rules + "\n-e " + enable_flag(config) + "\n";
}

int first_rule_line(const NixosConfig& config) {
  return config.module == ModuleVersion::nixos_24_11 ? 1 : 5;  // after -D, -b, -f, -r
}

std::vector<std::string> audit_service_commands(const NixosConfig& config, const std::string& rules_path) {
  if (config.module == ModuleVersion::current) {
    if (!loads_rules(config)) return {};
    return {"auditctl -R " + rules_path};
  }
  if (!loads_rules(config)) return {"auditctl -D", "auditctl -e 0 -a task,never"};
  return {"auditctl -D", "auditctl -R " + rules_path,
          "auditctl -e " + enable_flag(config) + " -b " + std::to_string(config.backlog_limit) + " -f " +
              std::to_string(failure_flag(config.failure_mode)) + " -r " + std::to_string(config.rate_limit)};
}

std::vector<std::string> audit_service_failure_commands(const NixosConfig& config) {
  if (config.module != ModuleVersion::current || !loads_rules(config)) return {};
  return {"auditctl -e 0", "auditctl -D"};  // disable auditing, then delete all rules
}

std::vector<std::string> kernel_params(const NixosConfig& config) {
  std::vector<std::string> params;
  if (config.module == ModuleVersion::current && loads_rules(config)) {
    params.push_back("audit=1");
    params.push_back("audit_backlog_limit=" + std::to_string(config.backlog_limit));
  }
  if (config.module == ModuleVersion::nixos_24_11 && runs_auditd(config)) params.push_back("audit=1");
  params.insert(params.end(), config.extra_kernel_params.begin(), config.extra_kernel_params.end());
  return params;
}

std::string render_auditd_conf(const NixosConfig& config) {
  if (config.module != ModuleVersion::current || !runs_auditd(config)) return "";
  return conf_text(config.auditd_settings);
}

std::map<std::string, std::string> render_auditd_plugin_files(const NixosConfig& config) {
  std::map<std::string, std::string> files;
  if (config.module != ModuleVersion::current || !runs_auditd(config)) return files;
  for (const auto& [name, plugin] : config.auditd_plugins) {
    files["audit/plugins.d/" + name + ".conf"] = conf_text(plugin.conf);
    if (plugin.settings) files["audit/audisp-" + name + ".conf"] = conf_text(*plugin.settings);
  }
  return files;
}

std::string render_sysctl_conf(const NixosConfig& config) {
  std::string text;
  for (const auto& [key, value] : config.sysctl) text += key + "=" + value + "\n";
  return text;
}

}  // namespace auditvm::nixos
