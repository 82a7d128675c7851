#include "cli/command.hpp"

namespace auditvm::cli {

CommandRunner register_check(CLI::App& root, const GlobalOptions&) {
  root.add_subcommand("check", "(not yet built)");
  return [] { return 2; };
}

}  // namespace auditvm::cli
