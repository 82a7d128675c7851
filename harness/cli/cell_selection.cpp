#include "cli/cell_selection.hpp"

#include <sstream>

#include "check/stig.hpp"
#include "cli/arch_option.hpp"
#include "cli/run_options.hpp"
#include "core/errors.hpp"

namespace auditvm::cli {
namespace {

std::pair<unsigned, unsigned> parse_shard(const std::string& text) {
  unsigned index = 0, count = 0;
  char slash = 0;
  std::istringstream in(text);
  if (!(in >> index >> slash >> count) || slash != '/' || index < 1 || index > count || !in.eof())
    throw InputError({"--shard", 0, text}, "expected I/N with 1 <= I <= N");
  return {index, count};
}

}  // namespace

void CellSelection::add_to(CLI::App& cmd) {
  cmd.add_option("scenarios", scenario_files, "Scenario files (default: every scenarios/*.json)")->check(CLI::ExistingFile);
  cmd.add_option("--arch", arches, "Architectures, comma-separated (default: each scenario's)");
  cmd.add_option("--config", configurations, "Configurations, comma-separated (default: all)");
  cmd.add_option("--shard", shard, "Only shard I of N of the cells (for CI fan-out)");
}

std::vector<scenario::Scenario> CellSelection::load_scenarios() const {
  auto files = scenario_files;
  if (files.empty())
    for (const auto& file : scenario::scenario_files(check::shipped_scenarios_dir())) files.push_back(file.string());
  std::vector<scenario::Scenario> scenarios;
  for (const auto& file : files) scenarios.push_back(scenario::load_scenario(file));
  return scenarios;
}

void CellSelection::apply(const std::vector<scenario::Scenario>& scenarios, scenario::RunOptions& options) const {
  for (const auto& arch : split_commas(arches)) options.arches.push_back(arch_from_option(arch));
  options.configurations = split_commas(configurations);
  for (const auto& name : options.configurations) {
    bool known = false;
    for (const auto& s : scenarios)
      for (const auto& c : s.configurations) known |= c.name == name;
    if (!known) throw InputError({"--config", 0, name}, "no configuration of that name in the scenarios");
  }
  if (!shard.empty()) options.shard = parse_shard(shard);
}

std::vector<scenario::Cell> selected_cells(const std::vector<scenario::Scenario>& scenarios, const scenario::RunOptions& options) {
  auto cells = scenario::plan_cells(scenarios, options);
  if (!cells.empty()) return cells;
  if (options.shard) {
    auto unsharded = options;
    unsharded.shard.reset();
    auto count = scenario::plan_cells(scenarios, unsharded).size();
    auto [index, of] = *options.shard;
    throw InputError({"--shard", 0, std::to_string(index) + "/" + std::to_string(of)},
                     "selects no cell (" + std::to_string(count) + " cells before the shard)");
  }
  throw InputError({"--arch/--config", 0, ""}, "select no cell of the scenarios");
}

}  // namespace auditvm::cli
