// DISA's XCCDF 1.1 benchmark (data/xccdf/: a fixture in the structure of
// U_Anduril_NixOS_STIG_V1R2_Manual-xccdf.xml) gives the ids and texts over the shipped data.
#include <gtest/gtest.h>

#include <fstream>

#include "check/xccdf_benchmark.hpp"
#include "core/errors.hpp"
#include "support/temp_dir.hpp"

namespace auditvm::check {
namespace {

namespace fs = std::filesystem;

const fs::path kFixture = fs::path(AUDITVM_TEST_DATA) / "xccdf" / "U_Anduril_NixOS_STIG_fixture-xccdf.xml";

TEST(XccdfBenchmark, ReadsDisasStructure) {
  auto benchmark = load_benchmark(kFixture);
  EXPECT_EQ(benchmark.release, "V1R2");
  EXPECT_EQ(benchmark.release_date, "2025-10-01");
  ASSERT_EQ(benchmark.rules.size(), 3U);
  const auto& rule = benchmark.rules.at("V-268119");
  EXPECT_EQ(rule.rule_id, "SV-268119r1131040_rule");
  EXPECT_EQ(rule.stig_id, "ANIX-00-000610");
  EXPECT_EQ(rule.srg_id, "SRG-OS-000058-GPOS-00028");
  EXPECT_EQ(rule.severity, "medium");
  EXPECT_EQ(rule.title, "NixOS audit system must protect logon UIDs from unauthorized change.");
  EXPECT_EQ(rule.ccis, (std::vector<std::string>{"CCI-000163", "CCI-000164"}));
  // The discussion is the VulnDiscussion only, unescaped; texts keep DISA's line breaks.
  EXPECT_EQ(rule.discussion.rfind("If audit information were to become compromised", 0), 0U);
  EXPECT_EQ(rule.discussion.find("FalsePositives"), std::string::npos);
  EXPECT_NE(rule.check_text.find("command:\n\n$ sudo auditctl -s | grep -i immutable\n"), std::string::npos);
  EXPECT_NE(rule.fix_text.find("\"--loginuid-immutable\""), std::string::npos);
  EXPECT_NE(benchmark.rules.at("V-268094").check_text.find("-F auid>=1000"), std::string::npos);
}

TEST(XccdfBenchmark, ItsIdsAndTextsReplaceTheShippedOnes) {
  auto benchmark = load_benchmark(kFixture);
  auto shipped = find_stig_rule("V-268094");
  auto rule = with_benchmark(shipped, benchmark);
  EXPECT_EQ(rule.rule_id, "SV-268094r1130990_rule");
  EXPECT_NE(rule.rule_id, shipped.rule_id);
  EXPECT_EQ(rule.ccis, std::vector<std::string>{"CCI-000135"});
  EXPECT_EQ(rule.release, "V1R2");
  EXPECT_TRUE(rule.unavailable.empty());
  EXPECT_NE(rule.sources.at(0).find("U_Anduril_NixOS_STIG_fixture-xccdf.xml"), std::string::npos);
  EXPECT_EQ(rule.fix_text.rfind("Fixture fix text", 0), 0U);
  // What auditvm itself adds (the required events) is untouched.
  EXPECT_EQ(rule.literal_rules, shipped.literal_rules);
  EXPECT_EQ(rule.required.size(), shipped.required.size());
  // A shipped rule the benchmark lacks keeps the shipped data.
  auto absent = find_stig_rule("V-268096");
  EXPECT_EQ(with_benchmark(absent, benchmark).rule_id, absent.rule_id);
}

void expect_rejected(const std::string& from, const std::string& to, int line, const std::string& field) {
  std::ifstream in(kFixture);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto at = text.find(from);
  ASSERT_NE(at, std::string::npos) << from;
  text.replace(at, from.size(), to);
  test::ScratchFile scratch_file("bad-xccdf.xml");
  const fs::path& file = scratch_file.path();
  std::ofstream(file) << text;
  try {
    load_benchmark(file);
    ADD_FAILURE() << "accepted " << to;
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().file, file.string());
    EXPECT_EQ(e.where().line, line) << e.what();
    EXPECT_EQ(e.where().field, field) << e.what();
  }
}

TEST(XccdfBenchmark, MalformedFilesNameFileLineAndElement) {
  expect_rejected("<version>ANIX-00-000610</version>", "", 14, "Benchmark/Group[@id='V-268119']/Rule/version");
  expect_rejected("Release: 2 Benchmark", "Benchmark", 1, "Benchmark/plain-text[@id='release-info']");
  expect_rejected("</Benchmark>", "", 29, "--benchmark");
  test::ScratchFile scratch_checklist("not-xccdf.xml");
  const fs::path& checklist = scratch_checklist.path();
  std::ofstream(checklist) << "<?xml version=\"1.0\"?>\n<CHECKLIST><ASSET/></CHECKLIST>\n";
  try {
    load_benchmark(checklist);
    ADD_FAILURE() << "accepted a .ckl";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().line, 2) << e.what();
    EXPECT_EQ(e.where().field, "CHECKLIST");
  }
}

}  // namespace
}  // namespace auditvm::check
