#include "scenario/matrix.hpp"

#include <atomic>
#include <chrono>
#include <iostream>
#include <map>
#include <thread>

#include "check/stig.hpp"
#include "core/clock.hpp"
#include "core/errors.hpp"
#include "core/write_file.hpp"
#include "machine/cleanup.hpp"
#include "machine/qemu/snapshot.hpp"
#include "nixos/render.hpp"
#include "scenario/progress.hpp"
#include "scenario/schedule.hpp"

namespace auditvm::scenario {
using namespace std::chrono_literals;

std::vector<Cell> plan_cells(const std::vector<Scenario>& scenarios, const RunOptions& options) {
  std::vector<Cell> cells;
  for (const auto& scenario : scenarios) {
    for (const auto& configuration : scenario.configurations) {
      if (!options.configurations.empty() &&
          std::find(options.configurations.begin(), options.configurations.end(), configuration.name) == options.configurations.end())
        continue;
      for (Arch arch : scenario.arches) {
        if (!options.arches.empty() && std::find(options.arches.begin(), options.arches.end(), arch) == options.arches.end()) continue;
        if (options.suites.empty()) cells.push_back({&scenario, &configuration, arch, ""});
        for (const auto& suite : options.suites) cells.push_back({&scenario, &configuration, arch, suite});
      }
    }
  }
  if (options.shard) {
    auto [index, count] = *options.shard;
    std::vector<Cell> mine;
    for (std::size_t i = 0; i < cells.size(); ++i)
      if (i % count == index - 1) mine.push_back(cells[i]);
    cells = std::move(mine);
  }
  return cells;
}

report::RunResult run_matrix(const std::vector<Scenario>& scenarios, const RunOptions& options) {
  Stopwatch started;
  report::RunResult run;
  run.started_at = now_iso8601();
  auto cells = plan_cells(scenarios, options);
  run.cells.resize(cells.size());
  std::map<std::string, check::StigRule> stigs;
  for (const auto& scenario : scenarios)
    for (const auto& id : scenario.stigs) stigs.emplace(id, check::find_stig_rule(id));

  auto sessions = plan_sessions(cells, options.fresh_vm, std::max(1U, options.jobs));
  // Fresh guests alike (one per session) start from a snapshot of the first one booted (QEMU).
  std::optional<machine::SnapshotStore> snapshots;
  if (options.snapshots && options.backend.backend == machine::Backend::qemu) snapshots.emplace();
  std::map<std::string, unsigned> boots_alike;
  for (const auto& session : sessions) ++boots_alike[boot_key(cells[session.cells.front()])];
  std::atomic<std::size_t> next_session{0};
  Progress progress(cells.size(), options.quiet, std::cerr);
  const auto log_dir = options.report_dir / "logs";

  // spent: the boot of its guest (its image made first) when this cell booted one, and its own time.
  auto fail_cell = [&](std::size_t index, const std::string& why, const std::string& console_log, const image::Manifest* manifest,
                       const report::CellTimings& spent, double seconds) {
    auto& result = run.cells[index];
    result = describe_cell(cells[index]);
    result.suite = cells[index].suite;
    if (manifest) record_guest(result, *manifest);
    result.infra_error = why;
    result.timings = spent;
    result.seconds = seconds;
    result.console_log = console_log;
    progress.finished(result);
  };

  // A guest that will not power off is killed; the cells it ran keep their results.
  auto shut_down = [](std::unique_ptr<machine::Machine>& guest) {
    if (!guest) return;
    try {
      guest->shutdown();
    } catch (const std::exception& e) {
      std::cerr << "auditvm: " << e.what() << "\n";
    }
    guest.reset();
  };

  auto worker = [&] {
    for (std::size_t s; (s = next_session++) < sessions.size();) {
      std::unique_ptr<machine::Machine> guest;
      std::optional<image::Manifest> manifest;  // of the guest booted (or being booted) for this session
      bool used = false;
      std::optional<GuestFacts> facts;  // the guest's, read by the first cell it serves
      double boot_seconds = 0;  // the guest's boot, counted in the first cell it serves
      for (std::size_t index : sessions[s].cells) {
        const Cell& cell = cells[index];
        if (machine::stop_requested()) return;
        std::string console_log;
        Stopwatch failing;  // a cell that fails: how long it booted and ran until then
        report::CellTimings spent;
        bool in_boot = false;
        try {
          if (!guest) {
            in_boot = true;
            progress.say(cell.id(), "booting");
            manifest = options.guest_for(cell);
            machine::BootOptions boot;
            boot.accel = options.accel;
            // A guest built with its configuration boots with that system's own command line.
            if (!manifest->configuration_built_in) boot.extra_kernel_params = nixos::kernel_params(cell.configuration->config);
            // Named after the first cell it serves: unique across the shards of one matrix.
            boot.console_log = file_in(log_dir, cell.id() + ".console.log");
            console_log = boot.console_log.string();  // a guest that fails to boot still has its log
            boot.snapshots = snapshots ? &*snapshots : nullptr;
            // A guest built with its configuration is its cell's own: nothing alike to restore.
            boot.alike_boots = manifest->configuration_built_in ? 1 : boots_alike[boot_key(cell)];
            Stopwatch booting;
            guest = machine::make_machine(*manifest, boot, options.backend);
            guest->boot();
            boot_seconds = booting.lap();
            (guest->restored() ? spent.restore : spent.boot) = failing.lap();
            in_boot = false;
            used = false;
            facts.reset();
          }
          console_log = guest->console_log().string();
          progress.say(cell.id(), "running");
          std::vector<check::StigRule> others;
          for (std::size_t r = 1; r < cell.scenario->stigs.size(); ++r) others.push_back(stigs.at(cell.scenario->stigs[r]));
          run.cells[index] = run_cell(*guest, cell, stigs.at(cell.scenario->stig), used, log_dir, options.predictor, others, &facts);
          (guest->restored() ? run.cells[index].timings.restore : run.cells[index].timings.boot) = used ? 0 : boot_seconds;
          used = true;
          progress.finished(run.cells[index]);
          // A guest built with its configuration cannot be reset to another one: it serves one cell.
          if (guest->manifest().configuration_built_in) shut_down(guest);
        } catch (const std::exception& e) {
          // The guest is suspect now: the next cell of this session gets a fresh one.
          const double until_now = failing.lap();
          if (in_boot) spent.boot = until_now;
          fail_cell(index, e.what(), console_log, manifest ? &*manifest : nullptr, spent, in_boot ? 0 : until_now);
          guest.reset();
        }
      }
      shut_down(guest);
    }
  };
  std::vector<std::thread> workers;
  for (unsigned i = 0; i < std::max(1U, options.jobs); ++i) workers.emplace_back(worker);
  for (auto& w : workers) w.join();
  run.seconds = started.total();
  return run;
}

}  // namespace auditvm::scenario
