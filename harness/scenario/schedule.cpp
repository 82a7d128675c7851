#include "scenario/schedule.hpp"

#include <algorithm>
#include <map>
#include <numeric>
#include <string>

#include "core/text.hpp"
#include "nixos/render.hpp"

namespace auditvm::scenario {
namespace {

// Fitted to the default matrix on bookworm (bench/matrix.sh, idle 2-core host, TCG): a cell takes
// about 1.4 s plus 10.6 ms per call on x86_64, aarch64 about 1.4 times that; the STIG's rules get
// about 120 witnesses each (V-268096 36-124, the seven Anduril rules 395-954 in all).
constexpr double kCellSeconds = 1.4, kCallSeconds = 0.0106, kWitnessesPerRule = 120, kAarch64Factor = 1.4, kBootSeconds = 2.0;

double cost_of(const std::vector<std::size_t>& indexes, const std::vector<Cell>& cells) {
  return std::accumulate(indexes.begin(), indexes.end(), expected_boot_seconds(),
                         [&](double sum, std::size_t i) { return sum + expected_seconds(cells[i]); });
}

// Two halves of a session as even in cost as greedy gets (longest cell first into the lighter
// half), each in scenario order.
std::pair<Session, Session> split(const Session& session, const std::vector<Cell>& cells) {
  std::vector<std::size_t> by_cost = session.cells;
  std::stable_sort(by_cost.begin(), by_cost.end(),
                   [&](std::size_t a, std::size_t b) { return expected_seconds(cells[a]) > expected_seconds(cells[b]); });
  Session halves[2];
  double load[2] = {0, 0};
  for (std::size_t i : by_cost) {
    int lighter = load[1] < load[0];
    halves[lighter].cells.push_back(i);
    load[lighter] += expected_seconds(cells[i]);
  }
  for (auto& half : halves) {
    std::sort(half.cells.begin(), half.cells.end());
    half.expected_seconds = cost_of(half.cells, cells);
  }
  return {halves[0], halves[1]};
}

}  // namespace

std::string boot_key(const Cell& cell) {
  std::string key = std::string(to_string(cell.arch)) + " " + cell.suite;
  for (const auto& p : nixos::kernel_params(cell.configuration->config)) key += " " + p;
  return key;
}

double expected_seconds(const Cell& cell) {
  double calls = static_cast<double>(cell.scenario->actions.size()) + kWitnessesPerRule * static_cast<double>(cell.scenario->stigs.size());
  return (kCellSeconds + kCallSeconds * calls) * (cell.arch == Arch::aarch64 ? kAarch64Factor : 1.0);
}

double expected_boot_seconds() { return kBootSeconds; }

bool needs_fresh_guest(const Cell& cell) {
  const auto& config = cell.configuration->config;
  bool immutable_loginuid = std::find(config.rules.begin(), config.rules.end(), "--loginuid-immutable") != config.rules.end();
  // A rule line of its own locking the guest: the next cell's reset could not restore enabled.
  bool locks = std::any_of(config.rules.begin(), config.rules.end(), [](const std::string& line) { return words(line) == std::vector<std::string>{"-e", "2"}; });
  return config.audit_enable == nixos::AuditEnable::lock || immutable_loginuid || locks || !config.sysctl.empty();
}

std::vector<Session> plan_sessions(const std::vector<Cell>& cells, bool fresh_vm, unsigned jobs) {
  std::vector<Session> sessions;
  std::map<std::string, std::size_t> shared;
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (fresh_vm || needs_fresh_guest(cells[i])) {
      sessions.push_back({{i}, 0});
      continue;
    }
    auto [it, fresh] = shared.try_emplace(boot_key(cells[i]), sessions.size());
    if (fresh) sessions.push_back({});
    sessions[it->second].cells.push_back(i);
  }
  for (auto& session : sessions) session.expected_seconds = cost_of(session.cells, cells);
  auto longest_first = [&] {
    std::stable_sort(sessions.begin(), sessions.end(), [](const Session& a, const Session& b) { return a.expected_seconds > b.expected_seconds; });
  };
  longest_first();
  // Each split leaves two shorter sessions (each half has its boot and fewer cells): it ends.
  while (jobs > 1) {
    double total = 0;
    for (const auto& session : sessions) total += session.expected_seconds;
    auto too_long = std::find_if(sessions.begin(), sessions.end(),
                                 [&](const Session& s) { return s.cells.size() > 1 && s.expected_seconds > total / jobs; });
    if (too_long == sessions.end()) break;
    auto [a, b] = split(*too_long, cells);
    *too_long = a;
    sessions.push_back(b);
    longest_first();
  }
  return sessions;
}

}  // namespace auditvm::scenario
