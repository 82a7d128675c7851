#include "difftest/output.hpp"

#include <gtest/gtest.h>

#include "core/files.hpp"

namespace auditvm::difftest {
namespace {

LoopResult one_found() {
  LoopResult r;
  r.rule_sets = 3;
  r.events = 198;
  r.cells = 9;
  r.seconds = 12.34;
  Found f;
  f.source = {"set 2", {"-D", "-a always,exit -F arch=b64 -S finit_module -F auid>=1000"}, 2};
  f.disagreement = {Disagreement::Kind::event, check::Event{Abi::b64, "finit_module", 1000, 0, 0, 0, true, 0}, "b64 finit_module, auid 1000, uid 0, success",
                    "no rule (no rule)", "recorded", {"type=SYSCALL msg=audit(1.2:3): arch=c000003e syscall=313"}};
  f.shrunk = {"-a always,exit -F arch=b64 -S finit_module -F auid>=1000"};
  f.shrink_tests = 6;
  f.evidence.rules_file = "-D\n...";
  f.evidence.auditctl_l = "-a always,exit -F arch=b64 -S finit_module -F auid>=1000\n";
  r.found.push_back(f);
  Found again = f;
  again.source = {"set 3", f.source.lines, 3};
  again.same_as = 0;
  r.found.push_back(again);
  return r;
}

TEST(Output, JsonHasTheIssuesShape) {
  auto json = to_json({Arch::aarch64, 7, std::nullopt}, one_found());
  EXPECT_EQ(json["arch"], "aarch64");
  EXPECT_EQ(json["seed"], 7);
  EXPECT_EQ(json["rule_sets"], 3);
  EXPECT_EQ(json["witness_events"], 198);
  EXPECT_DOUBLE_EQ(json["seconds"].get<double>(), 12.3);
  ASSERT_EQ(json["disagreements"].size(), 2U);
  const auto& d = json["disagreements"][0];
  EXPECT_EQ(d["rules"], "-a always,exit -F arch=b64 -S finit_module -F auid>=1000\n");
  EXPECT_EQ(d["event"]["auid"], 1000);
  EXPECT_EQ(d["event"]["abi"], "b64");
  EXPECT_EQ(d["model"], "no rule (no rule)");
  EXPECT_EQ(d["kernel"], "recorded");
  EXPECT_EQ(json["disagreements"][1]["same_as"], 0);
}

TEST(Output, FixturesAreWrittenInsideTheDirectoryOnlyOncePerSignature) {
  auto dir = std::filesystem::temp_directory_path() / ("difftest-output-test-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  auto written = write_fixtures(dir / "kept", {Arch::x86_64, 1, std::nullopt}, one_found());
  ASSERT_EQ(written.size(), 1U);
  EXPECT_EQ(written[0], dir / "kept" / "difftest-x86_64-seed1-set2-0.rules");
  auto rules = read_file(written[0]);
  EXPECT_EQ(rules, "# event b64 finit_module, auid 1000, uid 0, success: model no rule (no rule), kernel recorded\n"
                   "-a always,exit -F arch=b64 -S finit_module -F auid>=1000\n");
  auto json = nlohmann::json::parse(read_file(dir / "kept" / "difftest-x86_64-seed1-set2-0.json"));
  EXPECT_EQ(json["kernel"], "recorded");
  EXPECT_EQ(json["evidence"]["auditctl_l"], "-a always,exit -F arch=b64 -S finit_module -F auid>=1000\n");
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) files += entry.is_regular_file();
  EXPECT_EQ(files, 2U);  // no temporary left behind, nothing beside the directory
  std::filesystem::remove_all(dir);
}

TEST(Output, AReplayedFileNamesItsFixture) {
  auto r = one_found();
  r.found.resize(1);
  r.found[0].source = {"tests/semantics/x86_64/../odd name.rules", r.found[0].source.lines, std::nullopt};
  auto dir = std::filesystem::temp_directory_path() / ("difftest-replay-test-" + std::to_string(::getpid()));
  auto written = write_fixtures(dir, {Arch::x86_64, std::nullopt, std::filesystem::path("tests/semantics")}, r);
  ASSERT_EQ(written.size(), 1U);
  EXPECT_EQ(written[0], dir / "odd_name-0.rules");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace auditvm::difftest
