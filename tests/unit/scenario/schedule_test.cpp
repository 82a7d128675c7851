// The scheduler: which cells share a guest, and the order the workers take the guests in.
#include <gtest/gtest.h>

#include <set>

#include "check/stig.hpp"
#include "scenario/matrix.hpp"
#include "scenario/schedule.hpp"

namespace auditvm::scenario {
namespace {

std::vector<Scenario> shipped_scenarios() {
  return {load_scenario(check::shipped_scenarios_dir() / "V-268096.json"),
          load_scenario(check::shipped_scenarios_dir() / "anduril-syscall-families.json")};
}

std::set<std::size_t> all_cells(const std::vector<Session>& sessions) {
  std::set<std::size_t> seen;
  for (const auto& session : sessions)
    for (std::size_t i : session.cells) EXPECT_TRUE(seen.insert(i).second) << "cell " << i << " twice";
  return seen;
}

const Cell* find(const std::vector<Cell>& cells, const std::string& id) {
  for (const auto& cell : cells)
    if (cell.id() == id) return &cell;
  return nullptr;
}

TEST(Schedule, LongCellsAreExpectedToBeLong) {
  auto scenarios = shipped_scenarios();
  auto cells = plan_cells(scenarios, {});
  EXPECT_GT(expected_seconds(*find(cells, "stig-fix@aarch64")), expected_seconds(*find(cells, "stig-fix@x86_64")));
  EXPECT_GT(expected_seconds(*find(cells, "anduril-corrected@x86_64")), 2 * expected_seconds(*find(cells, "stig-fix@aarch64")));
}

TEST(Schedule, TheLongestSessionsComeFirstAndEveryCellRunsOnce) {
  auto scenarios = shipped_scenarios();
  auto cells = plan_cells(scenarios, {});
  auto sessions = plan_sessions(cells, false, 2);
  EXPECT_EQ(all_cells(sessions).size(), cells.size());
  for (std::size_t s = 1; s < sessions.size(); ++s) EXPECT_GE(sessions[s - 1].expected_seconds, sessions[s].expected_seconds) << s;
  // Not scenario order: the first session is the aarch64 guest that serves the Anduril cells.
  EXPECT_EQ(cells[sessions.front().cells.front()].arch, Arch::aarch64);
  bool anduril_first = false;
  for (std::size_t i : sessions.front().cells) anduril_first |= cells[i].configuration->name == "anduril-corrected";
  EXPECT_TRUE(anduril_first);
  // Shared sessions keep scenario order inside (reset between cells), fresh-guest cells are alone.
  for (const auto& session : sessions) {
    EXPECT_TRUE(std::is_sorted(session.cells.begin(), session.cells.end()));
    for (std::size_t i : session.cells)
      if (needs_fresh_guest(cells[i])) EXPECT_EQ(session.cells.size(), 1U) << cells[i].id();
    for (std::size_t i : session.cells) EXPECT_EQ(cells[i].arch, cells[session.cells.front()].arch);
  }
}

// A set's own `-e 2` locks the guest as `lock` does: the next cell's reset could not undo it.
TEST(Schedule, ARuleLineLockingTheGuestGetsAFreshOne) {
  Scenario scenario;
  Configuration configuration;
  Cell cell{&scenario, &configuration, Arch::x86_64, ""};
  configuration.config.audit_enable = nixos::AuditEnable::on;
  configuration.config.rules = {"-w /etc/passwd -p wa", "-e 1"};
  EXPECT_FALSE(needs_fresh_guest(cell));
  configuration.config.rules.push_back("-e  2");
  EXPECT_TRUE(needs_fresh_guest(cell));
}

TEST(Schedule, AFreshGuestPerCellWithFreshVm) {
  auto scenarios = shipped_scenarios();
  auto cells = plan_cells(scenarios, {});
  auto sessions = plan_sessions(cells, true, 2);
  EXPECT_EQ(sessions.size(), cells.size());
  EXPECT_EQ(all_cells(sessions).size(), cells.size());
  const Cell& first = cells[sessions.front().cells.front()];
  EXPECT_EQ(first.scenario->name, scenarios[1].name);  // an Anduril cell, on aarch64
  EXPECT_EQ(first.arch, Arch::aarch64);
}

TEST(Schedule, ASessionLongerThanAWorkersShareIsSplit) {
  auto scenarios = shipped_scenarios();
  RunOptions options;
  options.arches = {Arch::aarch64};
  auto cells = plan_cells(scenarios, options);
  // One job: one guest serves every cell that can share it.
  auto one = plan_sessions(cells, false, 1);
  // Eight jobs: the shared session is cut until no worker's share is exceeded, or cannot be.
  auto eight = plan_sessions(cells, false, 8);
  EXPECT_GT(eight.size(), one.size());
  EXPECT_EQ(all_cells(eight).size(), cells.size());
  double total = 0;
  for (const auto& session : eight) total += session.expected_seconds;
  for (const auto& session : eight)
    if (session.cells.size() > 1) EXPECT_LE(session.expected_seconds, total / 8 + 1e-9);
  EXPECT_LT(eight.front().expected_seconds, one.front().expected_seconds);
}

}  // namespace
}  // namespace auditvm::scenario
