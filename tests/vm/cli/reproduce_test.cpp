// auditvm reproduce, end to end through the binary: an auditor's rules file whose b64 `open` rule
// precedes the module rules loads on x86_64 (NotAFinding) and stops loading on aarch64 (Open, the
// load failure as the cause, named by the line of the user's file), and the kernel agrees both times.
#include <gtest/gtest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "core/process.hpp"
#include "support/temp_dir.hpp"

namespace auditvm {
namespace {

namespace fs = std::filesystem;

class Reproduce : public test::TempDirTest {
 protected:
  Reproduce() : TempDirTest("reproduce") {}
  void SetUp() override {
    TempDirTest::SetUp();
    std::ofstream(dir_ / "finding.rules")
        << "# auditctl -l as the auditor's report quotes it\n"
           "-a always,exit -F arch=b64 -S open,creat -F exit=-EACCES -F auid>=1000 -F auid!=-1 -F key=perm_access\n"
           "-a always,exit -F arch=b32 -S init_module,finit_module,delete_module -F auid>=1000 -F auid!=-1 -F key=module_chng\n"
           "-a always,exit -F arch=b64 -S init_module,finit_module,delete_module -F auid>=1000 -F auid!=-1 -F key=module_chng\n";
  }
  ProcessResult reproduce(const std::string& arch) {
    return run_process({AUDITVM_BINARY, "reproduce", "--rules", (dir_ / "finding.rules").string(), "--arch", arch, "--format", "json",
                        "--report-dir", (dir_ / ("report-" + arch)).string(), "--quiet"});
  }
};

TEST_F(Reproduce, TheFileLoadsOnX86_64AndIsNotAFinding) {
  auto result = reproduce("x86_64");
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  auto json = nlohmann::json::parse(result.out);
  EXPECT_EQ(json.at("status"), "NotAFinding");
  EXPECT_EQ(json.at("kernel_status"), "NotAFinding");
  EXPECT_TRUE(json.at("agree").get<bool>());
  EXPECT_TRUE(json.at("load_failure").is_null());
  EXPECT_FALSE(json.at("records").empty());
}

TEST_F(Reproduce, OnAarch64TheRulesStopLoadingAtTheOpenRuleAndTheKernelAgrees) {
  auto result = reproduce("aarch64");
  ASSERT_EQ(result.exit_code, 1) << result.out << result.err;
  auto json = nlohmann::json::parse(result.out);
  EXPECT_EQ(json.at("status"), "Open");
  EXPECT_EQ(json.at("kernel_status"), "Open");
  EXPECT_TRUE(json.at("agree").get<bool>());
  ASSERT_TRUE(json.at("load_failure").is_object());
  EXPECT_EQ(json["load_failure"].at("line"), 2);  // the user's file, after its comment line
  EXPECT_NE(json["load_failure"].at("text").get<std::string>().find("-S open,creat"), std::string::npos);
  EXPECT_TRUE(json.at("records").empty());  // nothing after the failing line was loaded
}

// The kernel compares exit as u32 (the long return code truncated): `exit<0` records no failure,
// `exit=-1` records the EPERM failures. The model predicts each call and the records agree.
class ReproduceU32 : public Reproduce, public ::testing::WithParamInterface<std::string> {};

TEST_P(ReproduceU32, TheKernelComparesExitAsU32AsTheModelDoes) {
  std::ofstream(dir_ / "u32.rules") << "-a always,exit -F arch=b64 -S finit_module -F exit<0 -F auid>=1000 -F key=below_zero\n"
                                       "-a always,exit -F arch=b64 -S init_module -F exit=-1 -F auid>=1000 -F key=eperm\n";
  auto result = run_process({AUDITVM_BINARY, "reproduce", "--rules", (dir_ / "u32.rules").string(), "--arch", GetParam(), "--format",
                             "json", "--report-dir", (dir_ / "report-u32").string(), "--quiet"});
  ASSERT_EQ(result.exit_code, 1) << result.out << result.err;  // Open (nothing near the STIG's fix), model and kernel agree
  auto json = nlohmann::json::parse(result.out);
  EXPECT_TRUE(json.at("agree").get<bool>());
  ASSERT_FALSE(json.at("records").empty());
  for (const auto& record : json.at("records")) {
    auto text = record.get<std::string>();
    EXPECT_NE(text.find("key=\"eperm\""), std::string::npos) << text;
    EXPECT_NE(text.find("exit=-1 "), std::string::npos) << text;
  }
}

// The capture: the only gap is auid 1005, which no default actor is. The model's witness
// inside the gap leaves no record, so the kernel confirms the finding, and the report names it.
class ReproduceGap : public Reproduce, public ::testing::WithParamInterface<std::string> {};

TEST_P(ReproduceGap, AGapOutsideTheDefaultActorsIsConfirmedByANamedWitness) {
  std::ofstream(dir_ / "gap.rules") << "-a always,exit -F arch=b32 -S init_module,finit_module,delete_module -F auid>=1000 -F auid!=-1 -F key=module_chng\n"
                                       "-a always,exit -F arch=b64 -S init_module,finit_module,delete_module -F auid>=1000 -F auid!=-1 -F auid!=1005 -F key=module_chng\n";
  auto result = run_process({AUDITVM_BINARY, "reproduce", "--rules", (dir_ / "gap.rules").string(), "--arch", GetParam(), "--format", "json",
                             "--report-dir", (dir_ / "report-gap").string(), "--quiet"});
  ASSERT_EQ(result.exit_code, 1) << result.out << result.err;
  auto json = nlohmann::json::parse(result.out);
  EXPECT_EQ(json.at("status"), "Open");
  EXPECT_EQ(json.at("kernel_status"), "Open");
  EXPECT_TRUE(json.at("agree").get<bool>()) << json.at("assertions").dump(2);
  ASSERT_EQ(json.at("uncovered").size(), 1U);
  auto finding = json["uncovered"][0].get<std::string>();
  EXPECT_NE(finding.find("auid 1005"), std::string::npos) << finding;
  EXPECT_NE(finding.find("confirmed by the kernel: b64 "), std::string::npos) << finding;
  EXPECT_NE(finding.find("auid 1005, uid 0"), std::string::npos) << finding;
  // Every witness ran and did what the model predicted; some were recorded, the gap's were not.
  const auto& witnesses = json.at("evidence").at("witnesses");
  ASSERT_GT(witnesses.size(), 20U);
  int recorded = 0, gap = 0;
  for (const auto& w : witnesses) {
    EXPECT_TRUE(w.at("held").get<bool>()) << w.dump();
    recorded += !w.at("records").empty();
    gap += w.at("event").at("auid") == 1005 && w.at("event").at("abi") == "b64";
  }
  EXPECT_GT(recorded, 10);
  EXPECT_GE(gap, 2);
}

INSTANTIATE_TEST_SUITE_P(BothArches, ReproduceU32, ::testing::Values("x86_64", "aarch64"));
INSTANTIATE_TEST_SUITE_P(BothArches, ReproduceGap, ::testing::Values("x86_64", "aarch64"));

}  // namespace
}  // namespace auditvm
