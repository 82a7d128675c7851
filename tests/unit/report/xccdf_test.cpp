// The XCCDF 1.2 TestResult beside each checklist: what SCAP tools and STIG Manager import as an
// automated result (test-system names auditvm), one rule-result per finding.
#include <gtest/gtest.h>

#include <pugixml.hpp>
#include <cstdlib>
#include <fstream>
#include <regex>

#include "report/writers.hpp"
#include "support/temp_dir.hpp"

namespace auditvm::report {
namespace {

check::StigRule rule(const std::string& group_id, const std::string& rule_id, std::vector<std::string> ccis) {
  check::StigRule r;
  r.group_id = group_id;
  r.rule_id = rule_id;
  r.stig_id = "ANIX-00-000290";
  r.severity = "medium";
  r.title = "a title";
  r.release = "V1R1";
  r.release_date = "2024-10-25";
  r.ccis = std::move(ccis);
  return r;
}

pugi::xml_document parse(const std::string& text) {
  pugi::xml_document doc;
  auto parsed = doc.load_string(text.c_str());
  EXPECT_TRUE(parsed) << parsed.description() << "\n" << text;
  return doc;
}

TEST(Xccdf, ATestResultPerChecklistWithTheEngineTheTargetAndARuleResultPerFinding) {
  ChecklistTarget target;
  target.host_name = "web01";
  target.fqdn = "web01.example.org";
  target.ip_address = "192.0.2.7";
  target.mac_address = "52:54:00:12:34:56";
  target.comments = "the web server";
  std::vector<Finding> findings = {
      {rule("V-268096", "SV-268096r1039563_rule", {"CCI-000172"}), FindingStatus::open, "b64 init_module: no rule & <none>"},
      {rule("V-268092", "SV-268092r1039560_rule", {}), FindingStatus::not_a_finding, "audit=1"},
      {rule("V-268093", "SV-268093r1039167_rule", {}), FindingStatus::not_reviewed, "NOT REVIEWED: records lost"}};
  auto doc = parse(xccdf(target, findings, "1.2.3", "2026-12-02T03:00:00Z", "2026-12-02T03:01:00Z"));
  auto result = doc.child("TestResult");
  ASSERT_TRUE(result);
  EXPECT_STREQ(result.attribute("xmlns").value(), "http://checklists.nist.gov/xccdf/1.2");
  EXPECT_TRUE(std::regex_match(result.attribute("id").value(), std::regex(R"(xccdf_[^_]+_testresult_.+)"))) << result.attribute("id").value();
  EXPECT_STREQ(result.attribute("start-time").value(), "2026-12-02T03:00:00Z");
  EXPECT_STREQ(result.attribute("end-time").value(), "2026-12-02T03:01:00Z");
  EXPECT_STREQ(result.attribute("test-system").value(), "cpe:/a:auditvm:auditvm:1.2.3");
  EXPECT_STREQ(result.attribute("version").value(), "1");
  EXPECT_STREQ(result.child("benchmark").attribute("href").value(), "xccdf_mil.disa.stig_benchmark_Anduril_NixOS_STIG");
  // The revision, in the words of DISA's release-info.
  EXPECT_NE(std::string(result.child("remark").text().get()).find("Release: 1 Benchmark Date: 25 Oct 2024"), std::string::npos);
  EXPECT_STREQ(result.child("target").text().get(), "web01");
  EXPECT_STREQ(result.child("target-address").text().get(), "192.0.2.7");
  std::map<std::string, std::string> facts;
  for (auto fact : result.child("target-facts").children("fact")) facts[fact.attribute("name").value()] = fact.text().get();
  EXPECT_EQ(facts["tag:stig-manager@users.noreply.github.com,2020:asset:fqdn"], "web01.example.org");
  EXPECT_EQ(facts["tag:stig-manager@users.noreply.github.com,2020:asset:mac"], "52:54:00:12:34:56");
  EXPECT_EQ(facts["tag:stig-manager@users.noreply.github.com,2020:asset:description"], "the web server");
  EXPECT_EQ(facts["urn:xccdf:fact:asset:identifier:fqdn"], "web01.example.org");

  std::vector<pugi::xml_node> results;
  for (auto r : result.children("rule-result")) results.push_back(r);
  ASSERT_EQ(results.size(), 3u);
  EXPECT_STREQ(results[0].attribute("idref").value(), "xccdf_mil.disa.stig_rule_SV-268096r1039563_rule");
  EXPECT_STREQ(results[0].attribute("severity").value(), "medium");
  EXPECT_STREQ(results[0].attribute("time").value(), "2026-12-02T03:01:00Z");
  EXPECT_STREQ(results[0].child("result").text().get(), "fail");
  EXPECT_STREQ(results[0].child("ident").attribute("system").value(), "http://cyber.mil/cci");
  EXPECT_STREQ(results[0].child("ident").text().get(), "CCI-000172");
  EXPECT_STREQ(results[0].child("message").text().get(), "b64 init_module: no rule & <none>");
  EXPECT_STREQ(results[1].child("result").text().get(), "pass");
  EXPECT_FALSE(results[1].child("ident"));
  EXPECT_STREQ(results[2].child("result").text().get(), "notchecked");  // auditvm could not decide it
  // XCCDF's order: result, ident, message, check; score after the rule results.
  EXPECT_STREQ(results[0].first_child().name(), "result");
  EXPECT_STREQ(result.last_child().name(), "score");
}

TEST(Xccdf, ACellsTestResultHasTheSameFindingsAsItsChecklist) {
  CellResult cell;
  cell.configuration = "stig-fix";
  cell.arch = Arch::aarch64;
  cell.stig = "V-268096";
  cell.verdict = cell.kernel_verdict = Verdict::NotAFinding;
  cell.evidence = CellEvidence{};
  cell.evidence->auditctl_s_before = cell.evidence->auditctl_s_after = "lost 0\n";
  cell.evidence->status_checks = {{"V-268092", Verdict::Open, {"audit=1 is missing"}}};
  std::vector<check::StigRule> rules = {rule("V-268096", "SV-268096r1039563_rule", {}), rule("V-268092", "SV-268092r1039560_rule", {})};
  auto doc = parse(xccdf(cell, rules, "9.9", "2026-12-02T03:00:00Z"));
  auto result = doc.child("TestResult");
  EXPECT_STREQ(result.child("target").text().get(), "auditvm-stig-fix@aarch64");
  std::vector<std::string> got;
  for (auto r : result.children("rule-result")) got.push_back(std::string(r.attribute("idref").value()) + " " + r.child("result").text().get());
  EXPECT_EQ(got, (std::vector<std::string>{"xccdf_mil.disa.stig_rule_SV-268096r1039563_rule pass", "xccdf_mil.disa.stig_rule_SV-268092r1039560_rule fail"}));
}

class XccdfSchema : public test::TempDirTest {
 protected:
  XccdfSchema() : TempDirTest("xccdf-schema") {}
};

// NIST's XCCDF 1.2 schema (tests/schemas/xccdf, from Debian's openscap-common), with xmllint.
TEST_F(XccdfSchema, ValidatesAgainstTheXccdf12Schema) {
  ASSERT_EQ(std::system("xmllint --version >/dev/null 2>&1"), 0) << "xmllint is missing: scripts/setup.sh installs libxml2-utils";
  ChecklistTarget target;
  target.host_name = "web01";
  target.fqdn = "web01.example.org";
  target.ip_address = "192.0.2.7";
  std::vector<Finding> findings = {{rule("V-268096", "SV-268096r1039563_rule", {"CCI-000172"}), FindingStatus::open, "no rule <&>"},
                                   {rule("V-268093", "SV-268093r1039167_rule", {}), FindingStatus::not_reviewed, "lost"}};
  std::ofstream(dir_ / "good.xml") << xccdf(target, findings, "1.0", "2026-12-02T03:00:00Z", "2026-12-02T03:01:00Z");
  std::string schema = std::string(AUDITVM_SOURCE_ROOT) + "/tests/schemas/xccdf/1.2/xccdf_1.2.xsd";
  auto validate = [&](const std::string& file) {
    return std::system(("xmllint --noout --nonet --schema '" + schema + "' '" + (dir_ / file).string() + "' >/dev/null 2>&1").c_str());
  };
  EXPECT_EQ(validate("good.xml"), 0);
  // A TestResult without its required end-time is refused, so the check above can fail.
  std::ofstream(dir_ / "bad.xml") << R"(<TestResult xmlns="http://checklists.nist.gov/xccdf/1.2" id="xccdf_a_testresult_b"><target>x</target>)"
                                  << R"(<score>1</score></TestResult>)";
  EXPECT_NE(validate("bad.xml"), 0);
}

}  // namespace
}  // namespace auditvm::report
