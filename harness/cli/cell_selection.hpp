// Which cells a command works on: scenario files, --arch, --config and --shard, the same for
// `run` (which runs them) and `matrix` (which lists them for a CI fan-out).
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "scenario/matrix.hpp"

namespace auditvm::cli {

struct CellSelection {
  std::vector<std::string> scenario_files;  // empty: every shipped scenarios/*.json
  std::string arches;                       // comma-separated
  std::string configurations;               // comma-separated
  std::string shard;                        // I/N
  void add_to(CLI::App& cmd);
  std::vector<scenario::Scenario> load_scenarios() const;
  // Sets `options`' arches, configurations and shard; InputError naming the option for an unknown
  // arch or configuration or a malformed shard.
  void apply(const std::vector<scenario::Scenario>& scenarios, scenario::RunOptions& options) const;
};

// The cells `options` select; InputError when there are none ("--shard 5/5 selects no cell (4
// cells before the shard)"), so that an empty shard is never an empty success or a silent exit.
std::vector<scenario::Cell> selected_cells(const std::vector<scenario::Scenario>& scenarios, const scenario::RunOptions& options);

}  // namespace auditvm::cli
