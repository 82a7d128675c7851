// Fresh guests restored from a snapshot, both arches: the restored guest runs its cell exactly as
// a booted one does (verdict, records, every call and witness), its clock is the host's, and its
// QEMU, sockets and the snapshot files are gone afterwards.
#include <gtest/gtest.h>

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>

#include "check/stig.hpp"
#include "image/builder.hpp"
#include "scenario/matrix.hpp"
#include "support/matrix_runs.hpp"
#include "support/temp_dir.hpp"

namespace auditvm::scenario {
namespace {

namespace fs = std::filesystem;

RunOptions fresh_cells(Arch arch, bool snapshots, const fs::path& report_dir) {
  RunOptions options;
  // The same kernel command line (audit=1, backlog 8192): one snapshot serves the second cell.
  options.configurations = {"stig-fix", "b64-only"};
  options.arches = {arch};
  options.fresh_vm = true;
  options.snapshots = snapshots;
  options.jobs = 1;  // the first guest is saved before the second starts
  options.accel = machine::Accel::tcg;
  options.report_dir = report_dir;
  options.quiet = true;
  options.guest_for = test::cached_default_guest;
  return options;
}

using test::fingerprint;

// What this process left: run directories named for it, and child processes (QEMU).
std::vector<std::string> leftovers() {
  std::vector<std::string> found;
  const std::string mine = "auditvm-run-" + std::to_string(::getpid()) + "-";
  for (const char* base : {static_cast<const char*>(std::getenv("TMPDIR")), static_cast<const char*>(std::getenv("XDG_RUNTIME_DIR")), "/tmp"}) {
    if (!base || !*base || !fs::is_directory(base)) continue;
    for (const auto& entry : fs::directory_iterator(base))
      if (entry.path().filename().string().rfind(mine, 0) == 0) found.push_back(entry.path().string());
  }
  for (const auto& entry : fs::directory_iterator("/proc")) {
    std::ifstream stat(entry.path() / "stat");
    std::string pid, comm, state;
    long ppid = 0;
    if (stat >> pid >> comm >> state >> ppid && ppid == ::getpid()) found.push_back("process " + pid + " " + comm);
  }
  return found;
}

class SnapshotVmTest : public test::TempDirTest, public testing::WithParamInterface<Arch> {
 protected:
  SnapshotVmTest() : TempDirTest("snapshot") {}
};

TEST_P(SnapshotVmTest, ARestoredGuestRunsItsCellAsABootedOneAndLeavesNothing) {
  auto scenarios = std::vector<Scenario>{load_scenario(check::shipped_scenarios_dir() / "V-268096.json")};
  const auto before = std::chrono::system_clock::now();
  auto restored = run_matrix(scenarios, fresh_cells(GetParam(), true, dir_ / "restored"));
  EXPECT_EQ(leftovers(), std::vector<std::string>{});
  auto booted = run_matrix(scenarios, fresh_cells(GetParam(), false, dir_ / "booted"));
  ASSERT_EQ(restored.cells.size(), 2U);
  int restores = 0;
  for (const auto& cell : restored.cells) {
    EXPECT_EQ(cell.status(), report::Status::pass) << cell.id() << " " << cell.infra_error;
    EXPECT_TRUE(cell.timings.boot > 0 || cell.timings.restore > 0) << cell.id();
    restores += cell.timings.restore > 0;
  }
  EXPECT_EQ(restores, 1);  // the first guest booted (and was saved), the second restored
  for (const auto& cell : booted.cells) EXPECT_EQ(cell.timings.restore, 0) << cell.id();
  EXPECT_EQ(fingerprint(restored), fingerprint(booted));

  // The restored guest's records carry the host's time, not the time its snapshot was taken.
  const auto& cell = *std::find_if(restored.cells.begin(), restored.cells.end(), [](const auto& c) { return c.timings.restore > 0; });
  ASSERT_TRUE(cell.evidence);
  const double since = std::chrono::duration<double>(before.time_since_epoch()).count();
  int stamped = 0;
  for (const auto& action : cell.evidence->actions)
    for (const auto& record : action.records) {
      auto at = record.find("audit(");
      ASSERT_NE(at, std::string::npos) << record;
      EXPECT_GE(std::stod(record.substr(at + 6)), since - 2) << cell.id() << " " << record;
      ++stamped;
    }
  EXPECT_GT(stamped, 0);
  // Its console log begins with the boot it was saved from, then says it was restored.
  fs::path log = cell.console_log;
  std::ifstream console(log.is_absolute() ? log : dir_ / "restored" / log);
  std::string text((std::istreambuf_iterator<char>(console)), {});
  EXPECT_NE(text.find("this one restored from it"), std::string::npos) << cell.console_log;
}

INSTANTIATE_TEST_SUITE_P(Arches, SnapshotVmTest, testing::Values(Arch::x86_64, Arch::aarch64),
                         [](const auto& info) { return std::string(to_string(info.param)); });

}  // namespace
}  // namespace auditvm::scenario
