// auditvm render: the audit.rules text (or kernel parameters) NixOS produces for a configuration.
#include <iostream>

#include "cli/command.hpp"
#include "nixos/render.hpp"

namespace auditvm::cli {

CommandRunner register_render(CLI::App& root, const GlobalOptions&) {
  struct Options {
    std::string config;
    bool kernel_params = false;
  };
  auto options = std::make_shared<Options>();
  auto* cmd = root.add_subcommand("render", "Print the audit.rules NixOS writes for a configuration fragment (JSON)");
  cmd->add_option("--config", options->config, "NixOS configuration fragment in JSON")->required();
  cmd->add_flag("--kernel-params", options->kernel_params, "Print the kernel parameters it adds instead");
  return [options] {
    auto config = nixos::load_config_file(options->config);
    if (options->kernel_params) {
      std::string line;
      for (const auto& param : nixos::kernel_params(config)) line += (line.empty() ? "" : " ") + param;
      std::cout << line << "\n";
    } else {
      std::cout << nixos::render_rules(config);
    }
    return 0;
  };
}

}  // namespace auditvm::cli
