#include "nixos/render.hpp"

namespace auditvm::nixos {

bool loads_rules(const NixosConfig& config) { return config.audit_enable != AuditEnable::off; }
bool runs_auditd(const NixosConfig& config) { return config.auditd_enable; }

std::string render_rules(const NixosConfig& config) {
  if (!loads_rules(config)) return "";
  int failure = config.failure_mode == FailureMode::silent ? 0 : config.failure_mode == FailureMode::printk ? 1 : 2;
  std::string text = "-D\n";
  text += "-b " + std::to_string(config.backlog_limit) + "\n";
  text += "-f " + std::to_string(failure) + "\n";
  text += "-r " + std::to_string(config.rate_limit) + "\n";
  for (const auto& rule : config.rules) text += rule + "\n";
  text += "\n-e " + std::string(config.audit_enable == AuditEnable::lock ? "2" : "1") + "\n";
  return text;
}

std::vector<std::string> kernel_params(const NixosConfig& config) {
  std::vector<std::string> params;
  if (loads_rules(config)) {
    params.push_back("audit=1");
    params.push_back("audit_backlog_limit=" + std::to_string(config.backlog_limit));
  }
  params.insert(params.end(), config.extra_kernel_params.begin(), config.extra_kernel_params.end());
  return params;
}

std::string render_auditd_conf(const NixosConfig& config) {
  std::string text;
  for (const auto& [key, value] : config.auditd_settings) text += key + " = " + value + "\n";
  return text;
}

}  // namespace auditvm::nixos
