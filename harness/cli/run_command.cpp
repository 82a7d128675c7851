// auditvm run: the scenario matrix in real guests, with reports.
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>

#include "check/stig.hpp"
#include "cli/arch_option.hpp"
#include "cli/cell_selection.hpp"
#include "cli/command.hpp"
#include "cli/run_options.hpp"
#include "core/errors.hpp"
#include "core/write_file.hpp"
#include "image/builder.hpp"
#include "image/nix_builder.hpp"
#include "machine/cleanup.hpp"
#include "report/report_dir.hpp"
#include "report/writers.hpp"
#include "scenario/matrix.hpp"
#include "scenario/systemd_guest.hpp"

namespace auditvm::cli {
namespace {

struct RunCliOptions {
  CellSelection selection;
  unsigned jobs = 0;
  bool fresh_vm = false;
  bool no_snapshots = false;
  std::string report_dir = "results";
  std::string guest = "debian";
  MachineOptions machine;
  ImageOptions images;
  TargetOptions target;
};

int run(const RunCliOptions& options, const GlobalOptions& global) {
  auto target = options.target.value();  // a bad target file or option is bad input, before any guest
  auto scenarios = options.selection.load_scenarios();
  scenario::RunOptions run_options;
  options.selection.apply(scenarios, run_options);
  std::optional<DefaultGuests> default_guests;
  if (options.guest != "nixos") {
    default_guests.emplace(options.images, options.machine.cache_dir, global.quiet,
                           options.guest == "systemd" ? image::GuestInit::systemd : image::GuestInit::busybox);
    run_options.suites = default_guests->suites();
    // --image alone: the arches of the images given.
    if (run_options.arches.empty()) run_options.arches = default_guests->image_arches();
  } else if (!options.images.suites.empty() || !options.images.image_dirs.empty()) {
    throw InputError({"--guest", 0, "nixos"}, "--suite and --image choose default (Debian) guests; a NixOS guest brings its own kernel");
  }
  selected_cells(scenarios, run_options);  // a selection of no cell is bad input, before any guest
  run_options.jobs = options.jobs ? options.jobs : machine::default_jobs();
  run_options.fresh_vm = options.fresh_vm;
  run_options.snapshots = !options.no_snapshots;
  run_options.backend = options.machine.backend_options();
  run_options.accel = options.machine.accel_value();
  // Before any guest or image: an unusable or busy report directory stops the run here.
  report::ReportDir reports(options.report_dir);
  run_options.report_dir = reports.path();
  run_options.quiet = global.quiet;
  std::mutex images_mutex;
  if (options.guest == "nixos") {
    // One NixOS build per configuration and arch (cached); a failed build fails only its cell.
    run_options.guest_for = [&](const scenario::Cell& cell) {
      std::lock_guard lock(images_mutex);
      return image::build_nixos_guest(cell.configuration->nixos, cell.arch, options.machine.cache_dir);
    };
  } else {
    // The default guests: found (or built) once per arch and suite, before any VM starts.
    for (const auto& cell : scenario::plan_cells(scenarios, run_options)) default_guests->get(cell.arch, cell.suite);
    run_options.guest_for = [&](const scenario::Cell& cell) {
      std::lock_guard lock(images_mutex);
      const auto& base = default_guests->get(cell.arch, cell.suite);
      // systemd guests boot with the configuration built in, as NixOS does, and are watched.
      return options.guest == "systemd" ? scenario::configured_systemd_guest(base, cell.configuration->config) : base;
    };
  }

  auto result = scenario::run_matrix(scenarios, run_options);
  result.version = AUDITVM_VERSION_STRING;
  report::write_table(result, std::cout);
  // Every shipped rule: each cell's checklist holds its own rule and the state checks run in it.
  reports.write_reports(result, check::load_stig_rules(check::shipped_stig_dir()), target);  // a report that cannot be written whole ends the run with exit 2
  std::cout << "reports: " << options.report_dir << "/{result.json,junit.xml,report.html,cklb/,logs/}\n";
  flush_standard_output();
  return result.exit_code();
}

}  // namespace

CommandRunner register_run(CLI::App& root, const GlobalOptions& global) {
  auto options = std::make_shared<RunCliOptions>();
  auto* cmd = root.add_subcommand("run", "Run scenario matrices in real guests and assert verdicts and records");
  options->selection.add_to(*cmd);
  cmd->add_option("--jobs,-j", options->jobs, "Guests at once (default: fits cores and memory)");
  cmd->add_flag("--fresh-vm", options->fresh_vm, "Boot a fresh guest for every cell");
  cmd->add_flag("--no-snapshots", options->no_snapshots,
                "Boot every fresh guest (default, QEMU backend: guests alike restored from a snapshot of the first one booted)");
  cmd->add_option("--report-dir", options->report_dir, "Where reports and logs go")->capture_default_str();
  cmd->add_option("--guest", options->guest,
                  "debian (default guests, busybox /init), systemd (Debian guests booting the configuration's units as NixOS does) or nixos")
      ->check(CLI::IsMember({"debian", "systemd", "nixos"}))
      ->capture_default_str();
  options->machine.add_to(*cmd);
  options->images.add_to(*cmd, true);
  options->target.add_to(*cmd);
  cmd->footer("Exit status: 0 everything as expected, 1 an assertion failed, 2 bad input or infrastructure error.");
  return [options, &global] { return run(*options, global); };
}

}  // namespace auditvm::cli
