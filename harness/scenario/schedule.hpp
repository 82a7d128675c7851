// Which cells share a guest, and in what order the workers take the guests: by expected cost,
// longest first, so that the long cells (aarch64, the scenarios judging several rules) start
// early and no worker is left with a tail. Results stay in scenario order (the matrix's job).
#pragma once

#include <cstddef>
#include <vector>

#include "scenario/cell_runner.hpp"

namespace auditvm::scenario {

// A cell's expected seconds under TCG (its guest's boot not included), from what is known before
// it runs: its calls (the scenario's actions and about 120 witnesses per judged rule) and its
// arch. A model fitted to measured runs (bench/matrix.sh); only the order it gives matters.
double expected_seconds(const Cell& cell);
// A boot's expected seconds under TCG.
double expected_boot_seconds();

// Locked rules (`lock`, or a `-e 2` line), an immutable login uid and sysctls outlive a reset: such a
// cell gets its own boot.
bool needs_fresh_guest(const Cell& cell);

// What a cell's guest boots with (arch, suite, kernel parameters): cells alike may share a guest,
// and fresh guests alike may start from one snapshot.
std::string boot_key(const Cell& cell);

// Cells that share one boot: same guest image (arch, suite) and kernel command line, in scenario
// order, reset between them.
struct Session {
  std::vector<std::size_t> cells;  // indexes into the plan
  double expected_seconds = 0;     // its boot and its cells
};

// The sessions for `jobs` workers, longest expected first (the workers take them in this order).
// A shared session expected to take longer than a worker's share of the run is split in two
// (one more boot) until none is.
std::vector<Session> plan_sessions(const std::vector<Cell>& cells, bool fresh_vm, unsigned jobs);

}  // namespace auditvm::scenario
