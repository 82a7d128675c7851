// result.json read back as it was written, and shards merged into the run they were cut from.
#include <gtest/gtest.h>

#include <fstream>

#include "core/errors.hpp"
#include "report/merge.hpp"
#include "report/result_reader.hpp"
#include "report/writers.hpp"
#include "support/sample_run.hpp"
#include "support/temp_dir.hpp"

namespace auditvm::report {
namespace {

namespace fs = std::filesystem;
using test::sample_matrix;

class Merge : public test::TempDirTest {
 protected:
  Merge() : TempDirTest("merge") {}
  fs::path write(const std::string& name, const RunResult& run) {
    std::ofstream(dir_ / name) << to_json(run).dump(2);
    return dir_ / name;
  }
};

TEST_F(Merge, AResultFileReadsBackAsItWasWritten) {
  auto run = sample_matrix();
  EXPECT_EQ(to_json(load_run_result(write("result.json", run))), to_json(run));
}

TEST_F(Merge, AResultFileThatIsNotOneIsBadInputNamingTheField) {
  auto json = to_json(sample_matrix());
  json["cells"][1]["witnesses"] = 1;
  json["cells"][1]["evidence"]["witnesses"][0]["event"]["login"] = "sideways";
  std::ofstream(dir_ / "bad.json") << json.dump(2);
  try {
    load_run_result(dir_ / "bad.json");
    FAIL() << "accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("bad.json:"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("/cells/1/evidence/witnesses/0/event/login: unknown value 'sideways'"), std::string::npos) << e.what();
  }
}

TEST_F(Merge, TimingsAreOptionalButTypedWhenPresent) {
  auto json = to_json(sample_matrix());
  json["cells"][0].erase("timings");  // written before cells had timings
  std::ofstream(dir_ / "old.json") << json.dump(2);
  EXPECT_EQ(load_run_result(dir_ / "old.json").cells[0].timings.events, 0.0);
  json["cells"][1]["timings"].erase("restore");  // written before guests were restored from snapshots
  json["cells"][1]["timings"]["boot"] = 2.5;
  std::ofstream(dir_ / "old.json") << json.dump(2);
  EXPECT_EQ(load_run_result(dir_ / "old.json").cells[1].timings.boot, 2.5);
  json["cells"][1]["timings"]["events"] = "slow";
  std::ofstream(dir_ / "bad.json") << json.dump(2);
  try {
    load_run_result(dir_ / "bad.json");
    FAIL() << "accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("/cells/1/timings/events"), std::string::npos) << e.what();
  }
}

// The guest's paths (evidence.target_paths): read back typed; results written before them parse.
TEST_F(Merge, TargetPathsAreOptionalButTypedWhenPresent) {
  auto run = sample_matrix();
  run.cells[0].evidence->target_paths = check::TargetPaths{{{"/run/current-system/sw/bin", check::PathState::missing}, {"/etc", check::PathState::directory}}};
  auto back = load_run_result(write("result.json", run));
  EXPECT_EQ(back.cells[0].evidence->target_paths, run.cells[0].evidence->target_paths);
  EXPECT_FALSE(back.cells[1].evidence->target_paths);  // none probed: none written, none read
  auto json = to_json(run);
  json["cells"][0]["evidence"]["target_paths"]["/etc"] = "gone";
  std::ofstream(dir_ / "bad.json") << json.dump(2);
  try {
    load_run_result(dir_ / "bad.json");
    FAIL() << "accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("/cells/0/evidence/target_paths/~1etc: expected directory"), std::string::npos) << e.what();
  }
}

TEST_F(Merge, TwoShardsMergeIntoTheRunTheyWereCutFrom) {
  auto run = sample_matrix();
  RunResult first = run, second = run;
  first.cells = {run.cells[0], run.cells[2]};
  second.cells = {run.cells[1], run.cells[3]};
  second.started_at = "2026-12-02T02:59:00Z";
  auto merged = merge_runs({load_run_result(write("1.json", first)), load_run_result(write("2.json", second))}, {"1.json", "2.json"});
  EXPECT_EQ(merged.started_at, "2026-12-02T02:59:00Z");
  EXPECT_EQ(merged.exit_code(), run.exit_code());
  std::map<std::string, nlohmann::json> got, want;
  for (const auto& c : merged.cells) got[c.id()] = to_json(c);
  for (const auto& c : run.cells) want[c.id()] = to_json(c);
  EXPECT_EQ(got, want);
}

TEST_F(Merge, OverlappingShardsOrVersionsAreBadInput) {
  auto run = sample_matrix();
  try {
    merge_runs({run, run}, {"a/result.json", "b/result.json"});
    FAIL() << "accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("b/result.json: /cells: cell stig-fix@x86_64 is in a/result.json too"), std::string::npos) << e.what();
  }
  RunResult other;
  other.version = "2.0";
  EXPECT_THROW(merge_runs({run, other}, {"a", "b"}), InputError);
}

}  // namespace
}  // namespace auditvm::report
