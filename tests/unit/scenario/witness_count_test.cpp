// What the witnesses cost per cell: the events the chooser picks for every rule a shipped scenario
// judges, on the rules each configuration loads (lint's prediction of auditctl -R, listed as
// auditctl -l lists them, as a cell reads them). Each event is one forked call in the guest, so the
// count is most of a cell's time; the bounds pin the reduction (README, "For each cell").
#include <gtest/gtest.h>

#include <iostream>
#include <map>

#include "check/load_simulation.hpp"
#include "check/path_witness.hpp"
#include "check/witness.hpp"
#include "nixos/render.hpp"
#include "rules/parser.hpp"
#include "scenario/scenario.hpp"

namespace auditvm::scenario {
namespace {

namespace fs = std::filesystem;

std::size_t witnesses_per_cell(const Scenario& scenario, const Configuration& configuration, Arch arch) {
  auto load = check::simulate_load(nixos::render_rules(configuration.config), arch, "rules");
  std::string listing;
  for (const auto& line : check::predicted_listing(load)) listing += line + "\n";
  auto loaded = rules::parse_listing(listing, arch, "listing");
  std::size_t total = 0;
  for (const auto& group : scenario.stigs) {
    const auto stig = check::find_stig_rule(group);
    total += stig.kind == "path_coverage" ? check::choose_path_witnesses(loaded, arch, stig).size() : check::choose_witnesses(loaded, arch, stig).size();
  }
  return total;
}

std::map<std::string, std::size_t> counts(const fs::path& file) {
  auto scenario = load_scenario(file);
  std::map<std::string, std::size_t> out;
  for (const auto& configuration : scenario.configurations)
    for (Arch arch : scenario.arches) {
      out[configuration.name + "@" + std::string(to_string(arch))] = witnesses_per_cell(scenario, configuration, arch);
      std::cout << configuration.name << "@" << to_string(arch) << ": " << out[configuration.name + "@" + std::string(to_string(arch))] << " witnesses\n";
    }
  return out;
}

// Before the chooser shared witnesses between regions the rules treat alike: 954 (x86_64) and 880
// for the STIG's lines and their aarch64 correction.
TEST(WitnessCount, TheAndurilCellsNeedFewerThanHalfTheEventsTheyHad) {
  auto anduril = counts(check::shipped_scenarios_dir() / "anduril-syscall-families.json");
  EXPECT_LT(anduril.at("anduril-syscall-families@x86_64"), 954U / 2);
  EXPECT_LT(anduril.at("anduril-corrected@x86_64"), 880U / 2);
  EXPECT_LT(anduril.at("anduril-corrected@aarch64"), 880U / 2);
  for (const auto& [cell, count] : anduril) EXPECT_GT(count, 0U) << cell;
}

// The whole audit section: the syscall families' witnesses plus V-268091's execs and the path
// witnesses (104 for the STIG's watch and path lines).
TEST(WitnessCount, TheWholeAuditSectionIsCounted) {
  auto audit = counts(check::shipped_scenarios_dir() / "anduril-audit.json");
  for (const auto& [cell, count] : audit) EXPECT_GT(count, 0U) << cell;
  EXPECT_LT(audit.at("anduril-audit@x86_64"), 600U);
}

TEST(WitnessCount, TheMistakesAndTheDefaultMatrixAreCountedToo) {
  for (const auto& [cell, count] : counts(fs::path(AUDITVM_SOURCE_ROOT) / "tests/vm/scenario/anduril-mistakes.json")) EXPECT_GT(count, 0U) << cell;
  auto v268096 = counts(check::shipped_scenarios_dir() / "V-268096.json");
  EXPECT_LT(v268096.at("stig-fix@x86_64"), 100U / 2);  // 100 before
}

}  // namespace
}  // namespace auditvm::scenario
