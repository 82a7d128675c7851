// The whole run: cells grouped into guest sessions and ordered by expected cost (schedule.hpp),
// spread over --jobs workers, live progress, results in scenario order.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "machine/machine.hpp"
#include "report/result.hpp"
#include "scenario/cell_runner.hpp"

namespace auditvm::scenario {

struct RunOptions {
  std::vector<Arch> arches;                 // empty: every arch of each scenario
  std::vector<std::string> suites;          // Debian suites of the default guests, a matrix axis; empty: the guest's own
  std::vector<std::string> configurations;  // empty: all
  unsigned jobs = 1;
  bool fresh_vm = false;
  // Fresh guests alike start from a snapshot of the first one booted (QEMU backend, TCG).
  bool snapshots = true;
  std::optional<std::pair<unsigned, unsigned>> shard;  // I/N (1-based)
  machine::BackendOptions backend;
  machine::Accel accel = machine::Accel::automatic;
  std::filesystem::path report_dir;
  bool quiet = false;
  // Supplies the guest for a cell (the default Debian image, or a NixOS build per configuration).
  std::function<image::Manifest(const Cell&)> guest_for;
  // The model's prediction of each event: check::predict; a test gives a changed one to show
  // that the kernel catches a model error.
  check::Predictor predictor = check::predict;
};

// The cells of the scenarios (configuration x arch x suite) after --arch/--suite/--config/--shard, in report order.
std::vector<Cell> plan_cells(const std::vector<Scenario>& scenarios, const RunOptions& options);

report::RunResult run_matrix(const std::vector<Scenario>& scenarios, const RunOptions& options);

}  // namespace auditvm::scenario
