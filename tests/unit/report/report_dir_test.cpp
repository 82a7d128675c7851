#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "core/errors.hpp"
#include "report/report_dir.hpp"
#include "support/file_size_limit.hpp"
#include "support/temp_dir.hpp"

namespace auditvm::report {
namespace {

namespace fs = std::filesystem;

std::set<std::string> tree(const fs::path& dir) {
  std::set<std::string> out;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) out.insert(fs::relative(entry.path(), dir).string());
  return out;
}

std::string read(const fs::path& file) {
  std::ifstream in(file);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

check::StigRule rule() {
  check::StigRule stig;
  stig.group_id = "V-268096";
  stig.rule_id = "SV-268096r1039563_rule";
  stig.severity = "medium";
  stig.source = "scenarios/stig/V-268096.json";
  return stig;
}

RunResult run_of(const std::string& configuration) {
  RunResult run;
  CellResult cell;
  cell.scenario = "V-268096";
  cell.configuration = configuration;
  cell.stig = "V-268096";
  cell.assertions = {{"check verdict is NotAFinding", Status::pass, "", std::nullopt}};
  run.cells = {cell};
  return run;
}

class ReportDirTest : public test::TempDirTest {
 protected:
  ReportDirTest() : TempDirTest("report-dir") {}
};

TEST_F(ReportDirTest, WritesEveryReport) {
  ReportDir reports(dir_ / "results");
  reports.write_reports(run_of("stig-fix"), {rule()});
  EXPECT_EQ(tree(dir_ / "results"), (std::set<std::string>{".auditvm.lock", "cklb", "cklb/stig-fix@x86_64-xccdf.xml", "cklb/stig-fix@x86_64.ckl", "cklb/stig-fix@x86_64.cklb", "junit.xml", "logs", "report.html", "result.json"}));
  EXPECT_EQ(nlohmann::json::parse(read(dir_ / "results" / "result.json"))["status"], "pass");
}

// The checklist of a cell holds every rule evaluated in it, with the published texts of the shipped
// STIG data, on the target the user named.
// Reports move (a CI artifact, a merge of shards): every path in them is relative to the report directory.
TEST_F(ReportDirTest, LogPathsAreRelativeToTheReportDirectory) {
  for (const auto& where : {dir_ / "results", fs::path("results-relative")}) {
    SCOPED_TRACE(where);
    ReportDir reports(where);
    auto run = run_of("stig-fix");
    run.cells[0].console_log = (reports.logs() / "stig-fix@x86_64.console.log").string();
    run.cells[0].audit_log = (reports.logs() / "stig-fix@x86_64.audit.log").string();
    run.cells[0].assertions[0].status = Status::fail;  // so that JUnit cites the logs
    // As the machine reports a guest that died: the console log's path as the run named it.
    run.cells[0].infra_error = "the guest died (console log: " + run.cells[0].console_log + ")\nQEMU: see " +
                               fs::absolute(run.cells[0].console_log).string() + ".qemu; rules in /etc/audit/audit.rules";
    run.cells[0].assertions[0].message = "records lost: see " + run.cells[0].audit_log + ", line 3";
    reports.write_reports(run, {rule()});
    auto cell = nlohmann::json::parse(read(where / "result.json"))["cells"][0];
    EXPECT_EQ(cell["console_log"], "logs/stig-fix@x86_64.console.log");
    EXPECT_EQ(cell["audit_log"], "logs/stig-fix@x86_64.audit.log");
    EXPECT_EQ(cell["infra_error"],
              "the guest died (console log: logs/stig-fix@x86_64.console.log)\nQEMU: see logs/stig-fix@x86_64.console.log.qemu; rules in "
              "/etc/audit/audit.rules");
    EXPECT_EQ(cell["assertions"][0]["message"], "records lost: see logs/stig-fix@x86_64.audit.log, line 3");
    // No path in result.json leads out of the report directory to where it was written.
    auto json = read(where / "result.json");
    EXPECT_EQ(json.find(fs::absolute(where).string()), std::string::npos) << json;
    if (where.is_relative()) EXPECT_EQ(json.find(where.string() + "/"), std::string::npos) << json;
    auto junit = read(where / "junit.xml");
    EXPECT_NE(junit.find("audit log: logs/stig-fix@x86_64.audit.log"), std::string::npos) << junit;
    EXPECT_EQ(junit.find(where.string() + "/logs"), std::string::npos) << junit;
  }
  fs::remove_all("results-relative");
}

TEST_F(ReportDirTest, AChecklistHoldsEveryRuleEvaluatedWithItsPublishedTextsOnTheUsersTarget) {
  auto run = run_of("stig-fix");
  auto& cell = run.cells[0];
  cell.evidence = CellEvidence{};
  cell.evidence->status_checks = {{"V-268092", Verdict::NotAFinding, {}}, {"V-268093", Verdict::Open, {"audit_backlog_limit is 64"}},
                                  {"V-268119", Verdict::NotAFinding, {}}};
  auto rules = check::load_stig_rules(check::shipped_stig_dir());
  TargetData target;
  target.host_name = "web01";
  target.fqdn = "web01.example.org";
  target.role = "Member Server";
  ReportDir reports(dir_ / "results");
  reports.write_reports(run, rules, target);
  // Named after the asset the user gave.
  EXPECT_EQ(tree(dir_ / "results" / "cklb"), (std::set<std::string>{"web01.cklb", "web01.ckl", "web01-xccdf.xml"}));
  auto doc = nlohmann::json::parse(read(dir_ / "results" / "cklb" / "web01.cklb"));
  const auto& stig = doc["stigs"][0];
  EXPECT_EQ(stig["release_info"], "Release: 1 Benchmark Date: 25 Oct 2024");
  EXPECT_EQ(stig["version"], "1");
  std::vector<std::string> groups;
  for (const auto& entry : stig["rules"]) {
    groups.push_back(entry["group_id"]);
    auto published = check::find_stig_rule(entry["group_id"]);
    EXPECT_EQ(entry["rule_title"], published.title);
    EXPECT_EQ(entry["discussion"], published.discussion);
    EXPECT_EQ(entry["check_content"], published.check_text);
    EXPECT_EQ(entry["fix_text"], published.fix_text);
    EXPECT_EQ(entry["rule_id_src"], published.rule_id);
    EXPECT_EQ(entry["rule_version"], published.stig_id);
    EXPECT_EQ(entry["comments"], "");
  }
  EXPECT_EQ(groups, (std::vector<std::string>{"V-268096", "V-268092", "V-268093", "V-268119"}));
  EXPECT_EQ(stig["rules"][2]["status"], "open");
  EXPECT_EQ(doc["target_data"]["host_name"], "web01");
  EXPECT_EQ(doc["target_data"]["fqdn"], "web01.example.org");
  EXPECT_EQ(doc["target_data"]["role"], "Member Server");
  EXPECT_EQ(doc["target_data"]["comments"], cell.description);  // not given: the default stays
}

TEST_F(ReportDirTest, ASecondRunOnTheSameDirectoryIsRefusedUntilTheFirstEnds) {
  std::optional<ReportDir> first(dir_);
  try {
    ReportDir second(dir_);
    FAIL() << "two runs share " << dir_;
  } catch (const InfraError& e) {
    EXPECT_NE(std::string(e.what()).find("the report directory " + dir_.string() + " is in use by another auditvm run"), std::string::npos)
        << e.what();
  }
  first.reset();
  EXPECT_NO_THROW(ReportDir again(dir_));
}

TEST_F(ReportDirTest, ThePreviousRunsResultsAndLogsAreRemovedAndNothingElse) {
  fs::create_directories(dir_ / "cklb");
  fs::create_directories(dir_ / "logs");
  for (const char* file : {"result.json", "junit.xml", "report.html", ".result.json.tmp-99-0", "cklb/old@x86_64.cklb", "cklb/old@x86_64.ckl", "cklb/old@x86_64-xccdf.xml", "logs/old@x86_64.audit.log",
                           "logs/guest-0-x86_64.console.log", "logs/guest-0-x86_64.console.log.qemu", "notes.txt", "cklb/README"})
    std::ofstream(dir_ / file) << "old";
  ReportDir reports(dir_);
  EXPECT_EQ(tree(dir_), (std::set<std::string>{".auditvm.lock", "cklb", "cklb/README", "logs", "notes.txt"}));
}

TEST_F(ReportDirTest, AnUnusableDirectoryIsAnInfraErrorNamingIt) {
  std::ofstream(dir_ / "a-file") << "x";
  try {
    ReportDir reports(dir_ / "a-file" / "results");
    FAIL() << "accepted a report directory inside a file";
  } catch (const InfraError& e) {
    EXPECT_NE(std::string(e.what()).find((dir_ / "a-file" / "results").string()), std::string::npos) << e.what();
  }
}

TEST_F(ReportDirTest, AReportThatCannotBeWrittenWholeIsAnInfraErrorNamingItAndLeavesNoPart) {
  ReportDir reports(dir_);
  try {
    test::FileSizeLimit limit(64);
    reports.write_reports(run_of("stig-fix"), {rule()});
    FAIL() << "a report larger than the disk could take was reported as written";
  } catch (const InfraError& e) {
    EXPECT_NE(std::string(e.what()).find((dir_ / "result.json").string()), std::string::npos) << e.what();
  }
  EXPECT_EQ(tree(dir_), (std::set<std::string>{".auditvm.lock", "logs"}));
}

TEST_F(ReportDirTest, AChecklistNeverLeavesItsDirectory) {
  ReportDir reports(dir_ / "results");
  EXPECT_THROW(reports.write_reports(run_of("../../x"), {rule()}), InfraError);
  EXPECT_FALSE(fs::exists(dir_ / "x@x86_64.cklb"));
}

}  // namespace
}  // namespace auditvm::report
