// Delta debugging of a failing rule set: first ddmin over its lines (Zeller and Hildebrandt),
// then, line by line, dropping one option (-F, -C, -k, one of several -S) or one syscall of a
// -S list at a time, until nothing more can go. The predicate says whether a candidate still
// shows the failure (for difftest: still disagrees, judged in the guest). Deterministic: the
// same predicate gives the same result, and no candidate is asked about twice.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace auditvm::difftest {

using Lines = std::vector<std::string>;
using StillFails = std::function<bool(const Lines& candidate)>;

struct ShrinkResult {
  Lines lines;          // 1-minimal as far as the budget allowed
  int tests = 0;        // how often the predicate was asked
  bool exhausted = false;  // the budget ran out before the result was minimal
};

// `lines` must fail (it is not asked again). At most `max_tests` predicate calls.
ShrinkResult shrink(const Lines& lines, const StillFails& still_fails, int max_tests = 200);

// The ways one rule line can be made simpler by one step, simplest-first-dropped order (for tests).
Lines line_simplifications(const std::string& line);

}  // namespace auditvm::difftest
