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

// A cell whose guest did not boot names the boot it waited for, not "0 s".
TEST(Progress, AFailedCellNamesItsBootTime) {
  std::ostringstream out;
  Progress progress(1, false, out);
  report::CellResult cell;
  cell.configuration = "finit-missing";
  cell.infra_error = "the guest did not boot";
  cell.timings.boot = 121.6;
  progress.finished(cell);
  EXPECT_EQ(out.str(), "[1/1] finit-missing@x86_64: done, no verdict, infra_error (0 s, after 121 s booting)\n");
}

}  // namespace
}  // namespace auditvm::scenario
