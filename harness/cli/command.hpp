// Each subcommand lives in its own file and registers itself on the root app. The returned
// function runs after parsing and returns the process exit status.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

#ifndef AUDITVM_VERSION_STRING
#define AUDITVM_VERSION_STRING "0.0.0"
#endif

namespace auditvm::cli {

using CommandRunner = std::function<int()>;

// Options every command shares (set on the root app, read by commands that care).
struct GlobalOptions {
  bool quiet = false;
};

CommandRunner register_check(CLI::App& root, const GlobalOptions& global);
CommandRunner register_render(CLI::App& root, const GlobalOptions& global);
CommandRunner register_image(CLI::App& root, const GlobalOptions& global);
CommandRunner register_run(CLI::App& root, const GlobalOptions& global);
CommandRunner register_lint(CLI::App& root, const GlobalOptions& global);
CommandRunner register_reproduce(CLI::App& root, const GlobalOptions& global);
CommandRunner register_matrix(CLI::App& root, const GlobalOptions& global);
CommandRunner register_merge(CLI::App& root, const GlobalOptions& global);
CommandRunner register_difftest(CLI::App& root, const GlobalOptions& global);

}  // namespace auditvm::cli
