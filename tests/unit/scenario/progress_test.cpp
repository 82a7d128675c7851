#include <gtest/gtest.h>

#include <sstream>
#include <thread>
#include <vector>

#include "scenario/progress.hpp"

namespace auditvm::scenario {
namespace {

// Workers finish cells at the same time; quiet or not, every one is counted (the count was once
// incremented without the lock in quiet mode).
void count_from_threads(bool quiet) {
  constexpr int kThreads = 8, kCells = 5000;
  std::ostringstream out;
  Progress progress(kThreads * kCells, quiet, out);
  report::CellResult cell;
  cell.configuration = "stig-fix";
  std::vector<std::thread> workers;
  for (int t = 0; t < kThreads; ++t)
    workers.emplace_back([&] {
      for (int i = 0; i < kCells; ++i) progress.finished(cell);
    });
  for (auto& w : workers) w.join();
  EXPECT_EQ(progress.done(), static_cast<std::size_t>(kThreads * kCells));
  EXPECT_EQ(out.str().empty(), quiet);
}

TEST(Progress, CountsEveryFinishedCellFromManyThreadsWhenQuiet) { count_from_threads(true); }
TEST(Progress, CountsEveryFinishedCellFromManyThreadsAndPrintsEach) { count_from_threads(false); }

TEST(Progress, SaysWhatACellIsDoing) {
  std::ostringstream out;
  Progress progress(2, false, out);
  progress.say("stig-fix@x86_64", "booting");
  EXPECT_EQ(out.str(), "[0/2] stig-fix@x86_64: booting\n");
}

}  // namespace
}  // namespace auditvm::scenario
