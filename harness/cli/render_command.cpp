#include "cli/command.hpp"

namespace auditvm::cli {

CommandRunner register_render(CLI::App& root, const GlobalOptions&) {
  root.add_subcommand("render", "(not yet built)");
  return [] { return 2; };
}

}  // namespace auditvm::cli
