// auditvm merge through its binary: two shards' report directories merge into what the
// unsharded run wrote (same cells, verdicts, JUnit test cases, checklists), logs included.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <pugixml.hpp>
#include <set>

#include <nlohmann/json.hpp>

#include "check/stig.hpp"
#include "core/process.hpp"
#include "report/report_dir.hpp"
#include "support/sample_run.hpp"
#include "support/temp_dir.hpp"

namespace auditvm {
namespace {

namespace fs = std::filesystem;
using testing::HasSubstr;

class MergeCli : public test::TempDirTest {
 protected:
  MergeCli() : TempDirTest("merge-cli") {}

  // What a run writes: its reports and a log per cell.
  void write_run(const fs::path& dir, const report::RunResult& run) {
    report::ReportDir reports(dir);
    for (const auto& cell : run.cells) std::ofstream(reports.logs() / (cell.id() + ".audit.log")) << "type=SYSCALL " << cell.id() << "\n";
    auto absolute = run;  // as the runner records them: under the report directory
    for (auto& cell : absolute.cells) cell.audit_log = (reports.logs() / (cell.id() + ".audit.log")).string();
    reports.write_reports(absolute, check::load_stig_rules(check::shipped_stig_dir()));
  }
  std::map<std::string, nlohmann::json> cells(const fs::path& dir) {
    std::ifstream in(dir / "result.json");
    std::map<std::string, nlohmann::json> out;
    // Named: a range-for over parse(in)["cells"] iterates a temporary that is already gone (ASan).
    const auto result = nlohmann::json::parse(in);
    for (const auto& cell : result["cells"]) out[cell["id"]] = cell;
    return out;
  }
  // suite / test case -> "pass", "failure" or "error".
  std::map<std::string, std::string> test_cases(const fs::path& dir) {
    pugi::xml_document doc;
    EXPECT_TRUE(doc.load_file((dir / "junit.xml").c_str()));
    std::map<std::string, std::string> out;
    for (auto suite : doc.child("testsuites").children("testsuite"))
      for (auto test : suite.children("testcase"))
        out[std::string(suite.attribute("name").value()) + " / " + test.attribute("name").value()] =
            test.child("failure") ? "failure" : test.child("error") ? "error" : "pass";
    return out;
  }
  // The run cut in two: shard-1 the first and third cell, shard-2 the others.
  void write_shards(const report::RunResult& run) {
    auto first = run, second = run;
    first.cells = {run.cells[0], run.cells[2]};
    second.cells = {run.cells[1], run.cells[3]};
    write_run(dir_ / "shard-1", first);
    write_run(dir_ / "shard-2", second);
  }
  std::set<std::string> files(const fs::path& dir) {
    std::set<std::string> out;
    for (const auto& entry : fs::directory_iterator(dir)) out.insert(entry.path().filename().string());
    return out;
  }
};

TEST_F(MergeCli, TwoShardsMergeIntoWhatTheUnshardedRunWrote) {
  auto run = test::sample_matrix();
  write_run(dir_ / "all", run);
  write_shards(run);

  auto result = run_process({AUDITVM_BINARY, "merge", (dir_ / "shard-1").string(), (dir_ / "shard-2").string(), "--report-dir", (dir_ / "merged").string()});
  EXPECT_EQ(result.exit_code, run.exit_code()) << result.err;
  EXPECT_THAT(result.out, HasSubstr("(4 cells from 2 shards)"));
  EXPECT_EQ(cells(dir_ / "merged"), cells(dir_ / "all"));
  EXPECT_EQ(test_cases(dir_ / "merged"), test_cases(dir_ / "all"));
  EXPECT_EQ(test_cases(dir_ / "merged").size(), test_cases(dir_ / "shard-1").size() + test_cases(dir_ / "shard-2").size());
  EXPECT_EQ(files(dir_ / "merged" / "cklb"), files(dir_ / "all" / "cklb"));
  EXPECT_EQ(files(dir_ / "merged" / "logs"), files(dir_ / "all" / "logs"));
  for (const auto& [id, cell] : cells(dir_ / "merged")) {
    EXPECT_EQ(cell["audit_log"], "logs/" + id + ".audit.log");  // relative to the merged directory, where the log now is
    EXPECT_TRUE(fs::exists(dir_ / "merged" / cell["audit_log"].get<std::string>())) << id;
  }
}

// Shards of one asset's matrix merged onto it: one checklist per form for the asset, as the
// unsharded run on that asset writes it, never a checklist per cell for STIG Manager to file over
// each other on one asset.
TEST_F(MergeCli, CellsOfShardsOnOneAssetMergeIntoOneChecklist) {
  auto run = test::sample_matrix();
  write_shards(run);
  auto result = run_process({AUDITVM_BINARY, "merge", (dir_ / "shard-1").string(), (dir_ / "shard-2").string(), "--report-dir",
                             (dir_ / "merged").string(), "--host-name", "web01"});
  EXPECT_EQ(result.exit_code, run.exit_code()) << result.err;
  EXPECT_EQ(files(dir_ / "merged" / "cklb"), (std::set<std::string>{"web01.cklb", "web01.ckl", "web01-xccdf.xml"}));
  std::ifstream in(dir_ / "merged" / "cklb" / "web01.cklb");
  const auto cklb = nlohmann::json::parse(in);
  std::set<std::string> groups;
  for (const auto& rule : cklb["stigs"][0]["rules"]) {
    EXPECT_TRUE(groups.insert(rule["group_id"]).second) << "twice: " << rule["group_id"];
    auto details = rule["finding_details"].get<std::string>();
    for (const auto& cell : run.cells)
      if (rule["group_id"] == "V-268096") EXPECT_THAT(details, HasSubstr("  " + cell.id() + ": ")) << "each cell's status";
  }
  EXPECT_TRUE(groups.contains("V-268096"));
  EXPECT_EQ(cklb["target_data"]["host_name"], "web01");

  auto bad = run_process({AUDITVM_BINARY, "merge", (dir_ / "shard-1").string(), "--report-dir", (dir_ / "bad").string(), "--host-name", "a/b"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, HasSubstr("--host-name: 'a/b' cannot name the checklist files"));
  EXPECT_FALSE(fs::exists(dir_ / "bad"));
}

TEST_F(MergeCli, OverlappingShardsAndAShardAsOutputAreBadInput) {
  auto run = test::sample_matrix();
  write_run(dir_ / "a", run);
  write_run(dir_ / "b", run);
  auto overlap = run_process({AUDITVM_BINARY, "merge", (dir_ / "a").string(), (dir_ / "b").string(), "--report-dir", (dir_ / "out").string()});
  EXPECT_EQ(overlap.exit_code, 2);
  EXPECT_THAT(overlap.err, HasSubstr("auditvm: error: " + (dir_ / "b" / "result.json").string() + ": /cells: cell stig-fix@x86_64 is in "));
  EXPECT_FALSE(fs::exists(dir_ / "out"));  // nothing written

  auto onto = run_process({AUDITVM_BINARY, "merge", (dir_ / "a").string(), "--report-dir", (dir_ / "a").string()});
  EXPECT_EQ(onto.exit_code, 2);
  EXPECT_THAT(onto.err, HasSubstr("is one of the shards"));
  EXPECT_TRUE(fs::exists(dir_ / "a" / "result.json"));

  fs::create_directories(dir_ / "empty");
  auto none = run_process({AUDITVM_BINARY, "merge", (dir_ / "empty").string(), "--report-dir", (dir_ / "out").string()});
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_THAT(none.err, HasSubstr((dir_ / "empty" / "result.json").string() + ": no such file"));
}

}  // namespace
}  // namespace auditvm
