// auditvm: entry point. Parses the command line, runs one subcommand, maps failures to exit 2.
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cli/command.hpp"
#include "core/errors.hpp"
#include "core/write_file.hpp"
#include "machine/cleanup.hpp"

namespace {

constexpr int kUsageOrInfraError = 2;

std::string command_names(CLI::App& app) {
  std::string out;
  for (const auto* sub : app.get_subcommands({})) out += (out.empty() ? "" : ", ") + sub->get_name();
  return out;
}

// The first word that is not a flag must be a command (the root takes no option values); CLI11
// would only say "A subcommand is required".
std::optional<std::string> unknown_command(CLI::App& app, int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string word = argv[i];
    if (word == "--") return std::nullopt;
    if (word.starts_with("-")) continue;
    for (const auto* sub : app.get_subcommands({}))
      if (sub->get_name() == word) return std::nullopt;
    return word;
  }
  return std::nullopt;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace auditvm;
  machine::install_signal_cleanup();  // before any thread: Ctrl-C tears down every guest
  CLI::App app{"auditvm: prove in real VMs that an audit configuration does what the DISA STIG demands",
               "auditvm"};
  app.set_version_flag("--version", std::string("auditvm ") + AUDITVM_VERSION_STRING);
  app.require_subcommand(1);
  app.fallthrough();  // global options (--quiet) may follow the subcommand
  cli::GlobalOptions global;
  app.add_flag("-q,--quiet", global.quiet, "Print only results, no progress");

  std::vector<std::pair<CLI::App*, cli::CommandRunner>> commands;
  auto add = [&](cli::CommandRunner runner) { commands.emplace_back(app.get_subcommands({}).back(), std::move(runner)); };
  add(cli::register_check(app, global));
  add(cli::register_lint(app, global));
  add(cli::register_render(app, global));
  add(cli::register_image(app, global));
  add(cli::register_run(app, global));
  add(cli::register_reproduce(app, global));
  add(cli::register_matrix(app, global));
  add(cli::register_merge(app, global));
  add(cli::register_difftest(app, global));

  if (auto unknown = unknown_command(app, argc, argv)) {
    std::cerr << "auditvm: error: unknown command '" << escape_control(*unknown) << "' (commands: " << command_names(app)
              << ")\nRun with --help for more information.\n";
    return kUsageOrInfraError;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : kUsageOrInfraError;
  }

  try {
    for (auto& [sub, runner] : commands) {
      if (!sub->parsed()) continue;
      int status = runner();
      // Every command's results: output nobody received (> /dev/full) is exit 2, never success.
      flush_standard_output();
      return status;
    }
  } catch (const InputError& e) {
    std::cerr << "auditvm: error: " << e.what() << "\n";
    return kUsageOrInfraError;
  } catch (const InfraError& e) {
    std::cerr << "auditvm: infrastructure error: " << e.what() << "\n";
    return kUsageOrInfraError;
  } catch (const std::filesystem::filesystem_error& e) {
    // A path the user named (a report directory, a scenario directory) that cannot be used.
    std::cerr << "auditvm: error: " << escape_control(e.path1().string()) << ": " << e.code().message() << "\n";
    return kUsageOrInfraError;
  } catch (const std::exception& e) {
    // Bad input must never end here: every loader turns it into an InputError naming the file.
    std::cerr << "auditvm: internal error (a bug in auditvm, not in your input; please report it with the command line): "
              << escape_control(e.what()) << "\n";
    return kUsageOrInfraError;
  }
  return kUsageOrInfraError;
}
