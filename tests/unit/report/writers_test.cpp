#include <gtest/gtest.h>

#include <pugixml.hpp>
#include <sstream>

#include "report/writers.hpp"

namespace auditvm::report {
namespace {

RunResult sample() {
  RunResult run;
  CellResult ok;
  ok.scenario = "V-268096";
  ok.configuration = "stig-fix";
  ok.arch = Arch::aarch64;
  ok.stig = "V-268096";
  ok.verdict = ok.expected_verdict = "NotAFinding";
  ok.assertions = {{"check verdict is NotAFinding", Status::pass, "", {}}};
  CellResult broken = ok;
  broken.configuration = "anduril";
  broken.verdict = "Open";
  broken.load_failure = LoadFailure{2, "-a always,exit -F arch=b64 -S open", "Syscall name unknown: open"};
  broken.uncovered = {"b64 init_module, auid 1000..4294967294, success and failure: no rule"};
  broken.assertions = {{"check verdict is NotAFinding", Status::fail, "the model says Open", {}},
                       {"#3 root b64 finit_module", Status::model_mismatch, "predicted a record, none written", {}}};
  CellResult crashed = ok;
  crashed.configuration = "lock";
  crashed.assertions.clear();
  crashed.infra_error = "the VM went away during a command";
  run.cells = {ok, broken, crashed};
  return run;
}

TEST(Result, StatusNeverHidesInfrastructureErrorsOrMismatches) {
  auto run = sample();
  EXPECT_EQ(run.cells[0].status(), Status::pass);
  EXPECT_EQ(run.cells[1].status(), Status::model_mismatch);
  EXPECT_EQ(run.cells[2].status(), Status::infra_error);
  EXPECT_EQ(run.exit_code(), 2);
  run.cells.pop_back();
  EXPECT_EQ(run.exit_code(), 1);
  CellResult nothing_checked;
  EXPECT_EQ(nothing_checked.status(), Status::infra_error);  // a cell that asserted nothing is not a pass
}

TEST(Writers, JunitHasASuitePerCellAndDistinguishesFailuresFromErrors) {
  std::ostringstream out;
  write_junit(sample(), out);
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(out.str().c_str()));
  auto suites = doc.child("testsuites");
  EXPECT_EQ(std::distance(suites.children("testsuite").begin(), suites.children("testsuite").end()), 3);
  auto anduril = suites.find_child_by_attribute("testsuite", "name", "V-268096/anduril@aarch64");
  ASSERT_TRUE(anduril);
  EXPECT_EQ(anduril.attribute("failures").as_int(), 1);
  EXPECT_EQ(anduril.attribute("errors").as_int(), 1);
  EXPECT_NE(std::string(anduril.child("system-out").text().get()).find("rules failed to load at line 2"), std::string::npos);
  auto lock = suites.find_child_by_attribute("testsuite", "name", "V-268096/lock@aarch64");
  EXPECT_STREQ(lock.child("testcase").child("error").attribute("type").value(), "infra_error");
}

TEST(Writers, JsonCarriesVerdictsLoadFailureAndStatus) {
  auto json = to_json(sample());
  EXPECT_EQ(json["status"], "infra_error");
  EXPECT_EQ(json["cells"][1]["load_failure"]["line"], 2);
  EXPECT_EQ(json["cells"][1]["status"], "model_mismatch");
  EXPECT_EQ(json["cells"][0]["load_failure"], nullptr);
}

TEST(Writers, CklbHasTheStigIdsStatusAndEvidence) {
  check::StigRule stig;
  stig.group_id = "V-268096";
  stig.rule_id = "SV-268096r1039563_rule";
  stig.stig_id = "ANIX-00-000290";
  stig.severity = "medium";
  auto run = sample();
  auto good = cklb(run.cells[0], stig);
  auto rule = good["stigs"][0]["rules"][0];
  EXPECT_EQ(rule["group_id"], "V-268096");
  EXPECT_EQ(rule["rule_id"], "SV-268096r1039563_rule");
  EXPECT_EQ(rule["rule_version"], "ANIX-00-000290");
  EXPECT_EQ(rule["status"], "not_a_finding");
  auto bad = cklb(run.cells[1], stig)["stigs"][0]["rules"][0];
  EXPECT_EQ(bad["status"], "open");
  EXPECT_NE(bad["finding_details"].get<std::string>().find("CAUSE: the rules failed to load at line 2"), std::string::npos);
}

}  // namespace
}  // namespace auditvm::report
