// auditvm render: what NixOS makes of a configuration fragment: the audit rules file (default),
// the kernel parameters, the audit service's commands or auditd.conf.
#include <iostream>

#include "cli/command.hpp"
#include "nixos/render.hpp"

namespace auditvm::cli {
namespace {

struct RenderOptions {
  std::string config;
  std::string module_version = "current";
  bool kernel_params = false;
  bool service = false;
  bool auditd_conf = false;
};

std::string joined(const std::vector<std::string>& items, const std::string& separator) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : separator) + item;
  return out;
}

int render(const RenderOptions& options) {
  auto config = nixos::load_config_file(options.config, nixos::parse_module_version(options.module_version));
  if (options.kernel_params) std::cout << joined(nixos::kernel_params(config), " ") << "\n";
  else if (options.service) std::cout << joined(nixos::audit_service_commands(config, "audit.rules"), "\n") << "\n";
  else if (options.auditd_conf) std::cout << nixos::render_auditd_conf(config);
  else std::cout << nixos::render_rules(config);
  return 0;
}

}  // namespace

CommandRunner register_render(CLI::App& root, const GlobalOptions&) {
  auto options = std::make_shared<RenderOptions>();
  auto* cmd = root.add_subcommand("render", "Print the audit.rules NixOS writes for a configuration fragment (JSON)");
  cmd->add_option("--config", options->config, "NixOS configuration fragment in JSON")->required();
  cmd->add_option("--module-version", options->module_version, "nixpkgs modules to evaluate it with: current or 24.11")
      ->check(CLI::IsMember({"current", "24.11"}))
      ->capture_default_str();
  auto* params = cmd->add_flag("--kernel-params", options->kernel_params, "Print the kernel parameters it adds instead");
  auto* service = cmd->add_flag("--service", options->service, "Print the commands the audit service runs at boot instead");
  auto* auditd = cmd->add_flag("--auditd-conf", options->auditd_conf, "Print /etc/audit/auditd.conf instead");
  params->excludes(service)->excludes(auditd);
  service->excludes(auditd);
  cmd->footer("Exit status: 0, or 2 when the configuration is not valid (NixOS's message, with file, line and JSON path).");
  return [options] { return render(*options); };
}

}  // namespace auditvm::cli
