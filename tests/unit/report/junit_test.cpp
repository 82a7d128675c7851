// junit.xml as CI systems read it: valid against the Jenkins xunit-plugin schema (tests/schemas/
// junit-10.xsd, checked with xmllint), durations and times they can show, names that stay put.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <pugixml.hpp>
#include <regex>
#include <sstream>

#include "core/clock.hpp"
#include "report/writers.hpp"
#include "support/temp_dir.hpp"

namespace auditvm::report {
namespace {

ActionRow action(int index, const std::string& actor, const std::string& syscall, const std::string& expect) {
  ActionRow row;
  row.index = index;
  row.actor = actor;
  row.abi = Abi::b64;
  row.syscall = syscall;
  row.expect = expect;
  row.result = expect;
  row.predicted = check::Fate::recorded;
  return row;
}

// A run of two cells: one that held, one whose action returned another errno than expected and
// whose witness left no record.
RunResult fixture() {
  RunResult run;
  run.version = "0.1.0";
  run.started_at = "2026-12-02T00:44:00Z";
  run.seconds = 123.456789012345678;
  CellResult ok;
  ok.scenario = "V-268096";
  ok.configuration = "stig-fix";
  ok.stig = "V-268096";
  ok.verdict = ok.kernel_verdict = ok.expected_verdict = Verdict::NotAFinding;
  ok.seconds = 61.23456789012345;
  ok.audit_log = "logs/stig-fix@x86_64.audit.log";
  ok.console_log = "logs/stig-fix@x86_64.log";
  auto init = action(0, "user", "init_module", "EPERM");
  init.records = {"type=SYSCALL msg=audit(1.0:7): arch=c000003e syscall=175 success=no exit=-1 auid=1000 key=\"module_chng\""};
  ok.assertions = {{"check verdict is NotAFinding", Status::pass, "the model says NotAFinding on auditctl -l", std::nullopt},
                   {"#0 user b64 init_module", Status::pass, "EPERM, recorded", init}};
  CellResult broken = ok;
  broken.configuration = "split-six";
  broken.audit_log = "logs/split-six@x86_64.audit.log";
  broken.console_log = "logs/split-six@x86_64.log";
  auto finit = action(1, "root", "finit_module", "success");
  finit.result = "ENOENT";
  broken.assertions = {{"check verdict is NotAFinding", Status::pass, "the model says NotAFinding on auditctl -l", std::nullopt},
                       {"#0 user b64 init_module", Status::pass, "EPERM, recorded", init},
                       {"#1 root b64 finit_module", Status::fail, "call returned ENOENT, the scenario expected success", finit}};
  run.cells = {ok, broken};
  return run;
}

std::string junit(const RunResult& run) {
  std::ostringstream out;
  write_junit(run, out);
  return out.str();
}

class JunitSchema : public test::TempDirTest {
 protected:
  JunitSchema() : TempDirTest("junit-schema") {}
};

TEST_F(JunitSchema, ValidatesAgainstTheJenkinsXunitSchema) {
  ASSERT_EQ(std::system("xmllint --version >/dev/null 2>&1"), 0) << "xmllint is missing: scripts/setup.sh installs libxml2-utils";
  auto file = dir_ / "junit.xml";
  std::ofstream(file) << junit(fixture());
  std::string schema = std::string(AUDITVM_SOURCE_ROOT) + "/tests/schemas/junit-10.xsd";
  std::string command = "xmllint --noout --schema '" + schema + "' '" + file.string() + "' 2>&1";
  EXPECT_EQ(std::system(command.c_str()), 0) << command;
  // And a document that breaks the schema is refused, so the check above can fail.
  std::ofstream(dir_ / "bad.xml") << "<testsuites><testsuite name=\"x\" time=\"1e-05\"/></testsuites>";
  std::string bad = "xmllint --noout --schema '" + schema + "' '" + (dir_ / "bad.xml").string() + "' >/dev/null 2>&1";
  EXPECT_NE(std::system(bad.c_str()), 0);
}

TEST(Junit, TimesHaveMillisecondsAndSuitesTheirTimestampAndHost) {
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(junit(fixture()).c_str()));
  auto suites = doc.child("testsuites");
  EXPECT_STREQ(suites.attribute("time").value(), "123.457");
  EXPECT_EQ(suites.attribute("tests").as_int(), 7);
  EXPECT_EQ(suites.attribute("failures").as_int(), 1);
  EXPECT_EQ(suites.attribute("errors").as_int(), 0);
  for (auto suite : suites.children("testsuite")) {
    EXPECT_STREQ(suite.attribute("time").value(), "61.235");
    EXPECT_STREQ(suite.attribute("timestamp").value(), "2026-12-02T00:44:00");  // Ant's form: no zone
    EXPECT_EQ(suite.attribute("hostname").value(), host_name());  // where the reports were written
    EXPECT_FALSE(host_name().empty());
    for (auto test : suite.children("testcase"))
      EXPECT_TRUE(std::regex_match(test.attribute("time").value(), std::regex(R"(\d+\.\d{3})"))) << test.attribute("name").value();
  }
}

std::vector<std::string> case_names(const RunResult& run, const std::string& suite_name) {
  pugi::xml_document doc;
  EXPECT_TRUE(doc.load_string(junit(run).c_str()));
  std::vector<std::string> names;
  auto suite = doc.child("testsuites").find_child_by_attribute("testsuite", "name", suite_name.c_str());
  for (auto test : suite.children("testcase")) names.push_back(test.attribute("name").value());
  return names;
}

TEST(Junit, ActionsAreNamedByWhatTheyDoNotByTheirPlace) {
  auto run = fixture();
  auto before = case_names(run, "V-268096/split-six@x86_64");
  EXPECT_NE(std::find(before.begin(), before.end(), "action root b64 finit_module success"), before.end());
  // An action inserted at the front renumbers the others; their test cases keep their names.
  auto& cell = run.cells[1];
  auto inserted = action(0, "admin", "delete_module", "EPERM");
  cell.assertions.insert(cell.assertions.begin() + 1, {"#0 admin b64 delete_module", Status::pass, "", inserted});
  for (auto& a : cell.assertions)
    if (a.action && a.action->actor != "admin") a.name = "#" + std::to_string(++a.action->index) + " " + a.action->actor;
  auto after = case_names(run, "V-268096/split-six@x86_64");
  for (const auto& name : before) EXPECT_NE(std::find(after.begin(), after.end(), name), after.end()) << name;
  // Two identical actions still get two names.
  cell.assertions.push_back(cell.assertions.back());
  auto twice = case_names(run, "V-268096/split-six@x86_64");
  EXPECT_NE(std::find(twice.begin(), twice.end(), "action root b64 finit_module success (2)"), twice.end());
}

TEST(Junit, TheVerdictIsATestCaseToo) {
  pugi::xml_document doc;
  auto run = fixture();
  run.cells[1].verdict = run.cells[1].kernel_verdict = Verdict::Open;
  ASSERT_TRUE(doc.load_string(junit(run).c_str()));
  auto ok = doc.child("testsuites").find_child_by_attribute("testsuite", "name", "V-268096/stig-fix@x86_64");
  auto verdict = ok.find_child_by_attribute("testcase", "name", "verdict V-268096");
  ASSERT_TRUE(verdict);
  EXPECT_FALSE(verdict.child("failure"));
  EXPECT_STREQ(verdict.attribute("time").value(), "61.235");  // the cell's whole run produced it
  EXPECT_NE(std::string(verdict.child("system-out").text().get()).find("NotAFinding (expected NotAFinding, kernel NotAFinding)"),
            std::string::npos);
  auto broken = doc.child("testsuites").find_child_by_attribute("testsuite", "name", "V-268096/split-six@x86_64");
  auto failed = broken.find_child_by_attribute("testcase", "name", "verdict V-268096").child("failure");
  ASSERT_TRUE(failed);
  EXPECT_STREQ(failed.attribute("message").value(), "verdict Open, expected NotAFinding");
  // Model and kernel disagreeing is an error, as the other model mismatches are.
  run.cells[1].kernel_verdict = Verdict::NotAFinding;
  ASSERT_TRUE(doc.load_string(junit(run).c_str()));
  broken = doc.child("testsuites").find_child_by_attribute("testsuite", "name", "V-268096/split-six@x86_64");
  auto error = broken.find_child_by_attribute("testcase", "name", "verdict V-268096").child("error");
  ASSERT_TRUE(error);
  EXPECT_STREQ(error.attribute("type").value(), "model_mismatch");
  EXPECT_STREQ(error.attribute("message").value(), "verdict Open, expected NotAFinding; the kernel's witnesses say NotAFinding");
}

TEST(Junit, AFailureCarriesItsEvidence) {
  pugi::xml_document doc;
  auto run = fixture();
  run.cells[1].assertions.back().action->records = {};  // no record: its absence is the evidence
  ASSERT_TRUE(doc.load_string(junit(run).c_str()));
  auto broken = doc.child("testsuites").find_child_by_attribute("testsuite", "name", "V-268096/split-six@x86_64");
  auto failure = broken.find_child_by_attribute("testcase", "name", "action root b64 finit_module success").child("failure");
  std::string body = failure.text().get();
  EXPECT_NE(body.find("expected: success\ngot: ENOENT\n"), std::string::npos) << body;
  EXPECT_NE(body.find("predicted: recorded\nrecords: none\n"), std::string::npos) << body;
  EXPECT_NE(body.find("audit log: logs/split-six@x86_64.audit.log\nconsole log: logs/split-six@x86_64.log"), std::string::npos) << body;
}

}  // namespace
}  // namespace auditvm::report
