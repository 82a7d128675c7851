// auditvm: entry point. Parses the command line, runs one subcommand, maps failures to exit 2.
#include <iostream>
#include <utility>
#include <vector>

#include "cli/command.hpp"
#include "core/errors.hpp"
#include "machine/cleanup.hpp"


namespace {

constexpr int kUsageOrInfraError = 2;

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

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : kUsageOrInfraError;
  }

  try {
    for (auto& [sub, runner] : commands)
      if (sub->parsed()) return runner();
  } catch (const InputError& e) {
    std::cerr << "auditvm: error: " << e.what() << "\n";
    return kUsageOrInfraError;
  } catch (const InfraError& e) {
    std::cerr << "auditvm: infrastructure error: " << e.what() << "\n";
    return kUsageOrInfraError;
  } catch (const std::exception& e) {
    std::cerr << "auditvm: internal error: " << e.what() << "\n";
    return kUsageOrInfraError;
  }
  return kUsageOrInfraError;
}
