#include <gtest/gtest.h>

#include <pugixml.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "report/check_report.hpp"
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
  ok.verdict = ok.expected_verdict = Verdict::NotAFinding;
  ok.assertions = {{"check verdict is NotAFinding", Status::pass, "", std::nullopt}};
  CellResult broken = ok;
  broken.configuration = "anduril";
  broken.verdict = Verdict::Open;
  broken.load_failure = LoadFailure{2, "-a always,exit -F arch=b64 -S open", "Syscall name unknown: open"};
  broken.uncovered = {"b64 init_module, auid 1000..4294967294, success and failure: no rule"};
  broken.assertions = {{"check verdict is NotAFinding", Status::fail, "the model says Open", std::nullopt},
                       {"#3 root b64 finit_module", Status::model_mismatch, "predicted a record, none written", std::nullopt}};
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
  EXPECT_EQ(anduril.attribute("errors").as_int(), 2);  // the mismatch, and the verdict no witness confirmed
  EXPECT_NE(std::string(anduril.child("system-out").text().get()).find("rules failed to load at line 2"), std::string::npos);
  // The load failure is the cause of what failed, in the failure itself and as a property.
  auto verdict = anduril.find_child_by_attribute("testcase", "name", "check verdict is NotAFinding");
  EXPECT_STREQ(verdict.child("failure").attribute("message").value(), "the model says Open");
  EXPECT_NE(std::string(verdict.child("failure").text().get()).find("cause: the rules failed to load at line 2 (-a always,exit -F arch=b64 -S open)"),
            std::string::npos);
  auto property = anduril.child("properties").find_child_by_attribute("property", "name", "load_failure");
  EXPECT_NE(std::string(property.attribute("value").value()).find("Syscall name unknown: open"), std::string::npos);
  EXPECT_STREQ(anduril.child("properties").find_child_by_attribute("property", "name", "verdict").attribute("value").value(), "Open");
  auto lock = suites.find_child_by_attribute("testsuite", "name", "V-268096/lock@aarch64");
  EXPECT_STREQ(lock.find_child_by_attribute("testcase", "name", "infrastructure").child("error").attribute("type").value(), "infra_error");
}

// Each cell names the guest it ran on: suite, kernel, audit userspace and image key.
RunResult two_suites() {
  RunResult run = sample();
  run.cells.resize(1);
  run.cells[0].suite = "bookworm";
  run.cells[0].kernel_version = "6.1.0-57-arm64";
  run.cells[0].audit_version = "1:3.0.9-1";
  run.cells[0].image = "1efebb4485a706bc-47abaf8c";
  CellResult trixie = run.cells[0];
  trixie.suite = "trixie";
  trixie.kernel_version = "6.12.117+deb13-arm64";
  trixie.audit_version = "1:4.0.2-2+deb13u1";
  trixie.image = "1efebb4485a706bc-0badcafe";
  run.cells.push_back(trixie);
  return run;
}

TEST(Result, IdsNameTheSuiteUnlessItIsBookworm) {
  auto run = two_suites();
  EXPECT_EQ(run.cells[0].id(), "stig-fix@aarch64");
  EXPECT_EQ(run.cells[1].id(), "stig-fix@aarch64@trixie");
  EXPECT_EQ(cell_id("lock", Arch::x86_64, ""), "lock@x86_64");  // a NixOS guest has no suite
}

TEST(Writers, EveryFormatRecordsKernelAuditAndImageOfEachCell) {
  auto run = two_suites();
  auto json = to_json(run);
  EXPECT_EQ(json["cells"][1]["suite"], "trixie");
  EXPECT_EQ(json["cells"][1]["kernel_version"], "6.12.117+deb13-arm64");
  EXPECT_EQ(json["cells"][1]["audit_version"], "1:4.0.2-2+deb13u1");
  EXPECT_EQ(json["cells"][1]["image"], "1efebb4485a706bc-0badcafe");
  std::ostringstream xml;
  write_junit(run, xml);
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(xml.str().c_str()));
  auto suite = doc.child("testsuites").find_child_by_attribute("testsuite", "name", "V-268096/stig-fix@aarch64@trixie");
  ASSERT_TRUE(suite);
  auto property = [&](const char* name) { return std::string(suite.child("properties").find_child_by_attribute("property", "name", name).attribute("value").value()); };
  EXPECT_EQ(property("kernel_version"), "6.12.117+deb13-arm64");
  EXPECT_EQ(property("audit_version"), "1:4.0.2-2+deb13u1");
  EXPECT_EQ(property("image"), "1efebb4485a706bc-0badcafe");
  EXPECT_EQ(property("suite"), "trixie");
}

TEST(Writers, TheTableShowsSuiteKernelAndAuditOnlyWhenSeveralSuitesRan) {
  std::ostringstream both;
  write_table(two_suites(), both);
  EXPECT_NE(both.str().find("kernel"), std::string::npos);
  EXPECT_NE(both.str().find("6.12.117+deb13-arm64"), std::string::npos);
  EXPECT_NE(both.str().find("1:3.0.9-1"), std::string::npos);
  auto one = two_suites();
  one.cells.pop_back();
  std::ostringstream single;
  write_table(one, single);
  EXPECT_EQ(single.str().find("6.1.0-57-arm64"), std::string::npos);
}

TEST(Writers, JsonCarriesVerdictsLoadFailureAndStatus) {
  auto json = to_json(sample());
  EXPECT_EQ(json["status"], "infra_error");
  EXPECT_EQ(json["cells"][1]["load_failure"]["line"], 2);
  EXPECT_EQ(json["cells"][1]["status"], "model_mismatch");
  EXPECT_EQ(json["cells"][0]["load_failure"], nullptr);
}

TEST(Writers, JsonHasEachCellsTimeByPhase) {
  auto run = sample();
  run.cells[0].timings = {3.5, 0.25, 0.5, 0.125, 0.0625, 2.0, 0.75, 0.03125, 0};
  run.cells[1].timings.restore = 0.375;  // its guest restored from a snapshot
  auto json = to_json(run);
  EXPECT_EQ(json["cells"][0]["timings"], (nlohmann::json{{"boot", 3.5}, {"restore", 0.0}, {"reset", 0.25}, {"load", 0.5}, {"state", 0.125},
                                                          {"check", 0.0625}, {"events", 2.0}, {"records", 0.75}, {"judge", 0.03125}}));
  EXPECT_EQ(json["cells"][1]["timings"]["restore"], 0.375);
  EXPECT_EQ(json["cells"][1]["timings"]["boot"], 0.0);  // a cell on a reused guest: no boot of its own
}

TEST(Writers, JsonKeepsTheShapeOfTheEvidenceAndVerdictsForConsumers) {
  auto run = sample();
  ActionRow row;
  row.index = 3;
  row.actor = "root";
  row.syscall = "finit_module";
  row.expect = "EEXIST";
  row.helper = R"({"syscall":"finit_module"})";
  row.result = "EEXIST";
  row.predicted = check::Fate::recorded;
  row.prediction_reason = "rule 2 records it";
  row.records = {"type=SYSCALL ..."};
  ActionRow not_run = row;
  not_run.result.reset();
  run.cells[0].evidence = CellEvidence{};
  run.cells[0].evidence->auditctl_l = "-a always,exit ...\n";
  run.cells[0].evidence->status_checks = {{"V-268092", Verdict::Open, {"audit=1 missing"}}};
  run.cells[0].evidence->actions = {row, not_run};
  run.cells[0].assertions[0].action = row;
  auto json = to_json(run);
  const auto& cell = json["cells"][0];
  EXPECT_EQ(cell["verdict"], "NotAFinding");
  EXPECT_EQ(cell["evidence"]["auditctl_l"], "-a always,exit ...\n");
  EXPECT_FALSE(cell["evidence"].contains("auditctl_R"));  // present only when rules were loaded
  EXPECT_EQ(cell["evidence"]["status_checks"][0], (nlohmann::json{{"rule", "V-268092"}, {"status", "Open"}, {"reasons", {"audit=1 missing"}}}));
  EXPECT_EQ(cell["evidence"]["actions"][0],
            (nlohmann::json{{"index", 3}, {"actor", "root"}, {"abi", "b64"}, {"syscall", "finit_module"}, {"expect", "EEXIST"},
                            {"helper", R"({"syscall":"finit_module"})"}, {"result", "EEXIST"}, {"predicted", "recorded"},
                            {"prediction_reason", "rule 2 records it"}, {"records", {"type=SYSCALL ..."}}}));
  EXPECT_EQ(cell["evidence"]["actions"][1].size(), 6u);  // a call that did not run: no result, prediction or records
  EXPECT_EQ(cell["assertions"][0]["evidence"], cell["evidence"]["actions"][0]);
  EXPECT_EQ(json["cells"][1]["assertions"][0]["evidence"], nlohmann::json::object());
  // A cell that did not run to the end: no evidence, no verdict.
  run.cells[2].verdict.reset();
  EXPECT_TRUE(to_json(run)["cells"][2]["evidence"].is_null());
  EXPECT_EQ(to_json(run)["cells"][2]["verdict"], "");
}

TEST(Writers, TableHasARowPerCellWithVerdictRecordsResultAndTheLoadFailure) {
  auto run = sample();
  run.cells[1].records_matched = 12;
  run.cells[1].records_expected = 24;
  std::ostringstream out;
  write_table(run, out);
  std::string table = out.str();
  std::istringstream lines(table);
  std::vector<std::string> rows;
  for (std::string line; std::getline(lines, line);) rows.push_back(line);
  ASSERT_GE(rows.size(), 5u);
  EXPECT_NE(rows[0].find("configuration"), std::string::npos);
  EXPECT_NE(rows[1].find("stig-fix"), std::string::npos);
  EXPECT_NE(rows[1].find("aarch64"), std::string::npos);
  EXPECT_NE(rows[1].find("pass"), std::string::npos);
  EXPECT_NE(table.find("12/24"), std::string::npos);
  EXPECT_NE(table.find("(rules stopped loading at line 2)"), std::string::npos);
  EXPECT_NE(table.find("model_mismatch: #3 root b64 finit_module: predicted a record, none written"), std::string::npos);
  EXPECT_NE(table.find("(the VM went away during a command)"), std::string::npos);
  EXPECT_NE(rows.back().find("overall: infra_error (3 cells"), std::string::npos);
}

check::StigRule stig_rule(const std::string& group_id, const std::string& rule_id) {
  check::StigRule stig;
  stig.group_id = group_id;
  stig.rule_id = rule_id;
  stig.stig_id = "ANIX-00-000290";
  stig.srg_id = "SRG-OS-000042-GPOS-00020";
  stig.severity = "medium";
  stig.title = "NixOS must generate audit records for all uses of the init_module, finit_module, and delete_module system calls.";
  stig.check_text = "$ sudo auditctl -l | grep -w init_module";
  stig.fix_text = "security.audit.rules = [ ... ];";
  stig.source = "scenarios/stig/" + group_id + ".json";
  return stig;
}

bool is_uuid(const nlohmann::json& value) {
  static const std::regex uuid("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  return value.is_string() && std::regex_match(value.get<std::string>(), uuid);
}

// The shape STIG Viewer 3 reads (cklb_version 1.0): every key present with the right JSON type.
void expect_cklb_shape(const nlohmann::json& doc) {
  for (const char* key : {"title", "id", "stigs", "active", "mode", "has_path", "target_data", "cklb_version"})
    EXPECT_TRUE(doc.contains(key)) << key;
  EXPECT_EQ(doc["cklb_version"], "1.0");
  EXPECT_TRUE(is_uuid(doc["id"]));
  EXPECT_TRUE(doc["active"].is_boolean());
  EXPECT_TRUE(doc["has_path"].is_boolean());
  EXPECT_TRUE(doc["mode"].is_number_integer());
  for (const char* key : {"target_type", "host_name", "ip_address", "mac_address", "fqdn", "comments", "role", "is_web_database",
                          "technology_area", "web_db_site", "web_db_instance", "classification"})
    EXPECT_TRUE(doc["target_data"].contains(key)) << key;
  EXPECT_TRUE(doc["target_data"]["is_web_database"].is_boolean());
  ASSERT_EQ(doc["stigs"].size(), 1u);
  const auto& stig = doc["stigs"][0];
  for (const char* key : {"stig_name", "display_name", "stig_id", "release_info", "version", "uuid", "reference_identifier", "size", "rules"})
    EXPECT_TRUE(stig.contains(key)) << key;
  EXPECT_TRUE(is_uuid(stig["uuid"]));
  EXPECT_EQ(stig["size"], stig["rules"].size());
  std::set<std::string> rule_uuids;
  for (const auto& rule : stig["rules"]) {
    for (const char* key : {"uuid", "stig_uuid", "target_key", "stig_ref", "group_id", "group_id_src", "rule_id", "rule_id_src", "weight",
                            "classification", "severity", "rule_version", "group_title", "rule_title", "fix_text", "false_positives",
                            "false_negatives", "discussion", "check_content", "documentable", "mitigations", "potential_impacts",
                            "third_party_tools", "mitigation_control", "responsibility", "security_override_guidance", "ia_controls",
                            "check_content_ref", "legacy_ids", "ccis", "reference_identifier", "group_tree", "createdAt", "updatedAt",
                            "status", "overrides", "comments", "finding_details"})
      EXPECT_TRUE(rule.contains(key)) << key;
    EXPECT_TRUE(is_uuid(rule["uuid"]));
    EXPECT_TRUE(rule_uuids.insert(rule["uuid"].get<std::string>()).second) << "rule uuids are unique";
    EXPECT_EQ(rule["stig_uuid"], stig["uuid"]);
    EXPECT_EQ(rule["group_id_src"], rule["group_id"]);
    EXPECT_TRUE(std::set<std::string>({"not_a_finding", "open", "not_reviewed", "not_applicable"}).contains(rule["status"].get<std::string>()));
    EXPECT_TRUE(std::set<std::string>({"high", "medium", "low"}).contains(rule["severity"].get<std::string>()));
    EXPECT_TRUE(rule["ccis"].is_array());
    EXPECT_TRUE(rule["legacy_ids"].is_array());
    EXPECT_TRUE(rule["overrides"].is_object());
    EXPECT_TRUE(rule["documentable"].is_string());
    EXPECT_FALSE(rule["check_content_ref"]["href"].get<std::string>().empty());
    ASSERT_EQ(rule["group_tree"].size(), 1u);
    EXPECT_EQ(rule["group_tree"][0]["id"], rule["group_id"]);
    EXPECT_TRUE(std::regex_match(rule["createdAt"].get<std::string>(), std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)")));
  }
}

TEST(Cklb, ACellHasTheStigIdsItsStatusAndTheEvidence) {
  auto stig = stig_rule("V-268096", "SV-268096r1039563_rule");
  auto run = sample();
  auto agreed = run.cells[0];  // model and kernel agree, no record lost
  agreed.kernel_verdict = Verdict::NotAFinding;
  agreed.evidence = CellEvidence{};
  agreed.evidence->auditctl_s_before = agreed.evidence->auditctl_s_after = "lost 0\n";
  auto good = cklb(agreed, stig);
  expect_cklb_shape(good);
  auto rule = good["stigs"][0]["rules"][0];
  EXPECT_EQ(rule["group_id"], "V-268096");
  EXPECT_EQ(rule["rule_id"], "SV-268096");
  EXPECT_EQ(rule["rule_id_src"], "SV-268096r1039563_rule");
  EXPECT_EQ(rule["rule_version"], "ANIX-00-000290");
  EXPECT_EQ(rule["group_title"], "SRG-OS-000042-GPOS-00020");
  EXPECT_EQ(rule["check_content_ref"]["href"], "V-268096.json");
  EXPECT_EQ(rule["status"], "not_a_finding");
  EXPECT_EQ(good["target_data"]["host_name"], "auditvm-stig-fix@aarch64");

  auto bad = cklb(run.cells[1], stig);
  expect_cklb_shape(bad);
  auto details = bad["stigs"][0]["rules"][0]["finding_details"].get<std::string>();
  EXPECT_EQ(bad["stigs"][0]["rules"][0]["status"], "not_reviewed");  // a model mismatch: no verdict to import
  EXPECT_NE(details.find("CAUSE: the rules failed to load at line 2 (-a always,exit -F arch=b64 -S open): Syscall name unknown: open"),
            std::string::npos);
  EXPECT_NE(details.find("Not audited: b64 init_module"), std::string::npos);
  EXPECT_NE(details.find("NOT REVIEWED: the cell kept no evidence from the guest"), std::string::npos) << details;
}

TEST(Cklb, FindingDetailsNameTheGuestsSuiteKernelAndAudit) {
  auto cell = two_suites().cells[1];
  auto doc = cklb(cell, stig_rule("V-268096", "SV-268096r1039563_rule"));
  auto details = doc["stigs"][0]["rules"][0]["finding_details"].get<std::string>();
  EXPECT_NE(details.find("Guest: Debian trixie, kernel 6.12.117+deb13-arm64, audit 1:4.0.2-2+deb13u1, image 1efebb4485a706bc-0badcafe.\n"),
            std::string::npos) << details;
}

TEST(Cklb, ACellThatDidNotRunToTheEndIsNotReviewed) {
  auto crashed = sample().cells[2];
  crashed.verdict.reset();
  auto doc = cklb(crashed, stig_rule("V-268096", "SV-268096r1039563_rule"));
  expect_cklb_shape(doc);
  EXPECT_EQ(doc["stigs"][0]["rules"][0]["status"], "not_reviewed");
  EXPECT_NE(doc["stigs"][0]["rules"][0]["finding_details"].get<std::string>().find("NOT REVIEWED: the guest could not run the check to the end: the VM went away"), std::string::npos);
}

TEST(Cklb, StateChecksOfTheSameGuestBecomeRulesOfTheChecklist) {
  auto cell = sample().cells[0];
  cell.evidence = CellEvidence{};
  cell.evidence->cmdline = "console=ttyS0 audit=1 audit_backlog_limit=1024";
  cell.evidence->status_checks = {{"V-268092", Verdict::NotAFinding, {}},
                                  {"V-268093", Verdict::Open, {"audit_backlog_limit on the kernel command line is 1024, not >= 8192"}},
                                  {"V-999999", Verdict::Open, {"a rule the caller has no data for"}}};
  std::vector<check::StigRule> rules = {stig_rule("V-268096", "SV-268096r1039563_rule"), stig_rule("V-268092", "SV-268092r1039527_rule"),
                                        stig_rule("V-268093", "SV-268093r1039530_rule")};
  auto doc = cklb(cell, rules);
  expect_cklb_shape(doc);
  const auto& entries = doc["stigs"][0]["rules"];
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0]["group_id"], "V-268096");
  EXPECT_EQ(entries[1]["group_id"], "V-268092");
  EXPECT_EQ(entries[1]["status"], "not_a_finding");
  EXPECT_EQ(entries[2]["status"], "open");
  EXPECT_NE(entries[2]["finding_details"].get<std::string>().find("Not met: audit_backlog_limit on the kernel command line is 1024"),
            std::string::npos);
  EXPECT_NE(entries[2]["finding_details"].get<std::string>().find("/proc/cmdline: console=ttyS0 audit=1"), std::string::npos);
}

TEST(Cklb, ACheckWithoutAGuestCarriesTheUncoveredEvents) {
  check::CheckResult result;
  result.group_id = "V-268096";
  result.verdict = check::Verdict::Open;
  result.grep_match = true;
  result.missing_literal = {"-a always,exit -F arch=b32 -S init_module,finit_module,delete_module -F auid>=1000 -F auid!=-1 -F key=module_chng"};
  check::UncoveredGroup group;
  group.abi = Abi::b32;
  group.syscalls = {"finit_module"};
  group.who = "auid 1000..4294967294";
  group.outcome = "success and failure";
  group.reason = "no rule";
  result.uncovered = {group};
  auto stig = stig_rule("V-268096", "SV-268096r1039563_rule");
  stig.grep_word = "init_module";
  auto finding = check_finding(result, stig, Arch::x86_64);
  EXPECT_EQ(finding.status, FindingStatus::open);
  auto doc = cklb(ChecklistTarget{"captured rules", "host", ""}, {finding});
  expect_cklb_shape(doc);
  auto details = doc["stigs"][0]["rules"][0]["finding_details"].get<std::string>();
  EXPECT_NE(details.find("Not audited: b32 finit_module, auid 1000..4294967294, success and failure: no rule"), std::string::npos);
  EXPECT_NE(details.find("grep -w init_module finds rules"), std::string::npos);
  EXPECT_NE(details.find("Missing: -a always,exit -F arch=b32"), std::string::npos);
}

TEST(CheckText, ARuleWithoutATranscribedStigIdIsNamedByItsRuleId) {
  check::CheckResult result;
  result.group_id = "V-268098";
  result.verdict = check::Verdict::NotAFinding;
  auto stig = stig_rule("V-268098", "SV-268098r1039593_rule");
  stig.stig_id.clear();  // listed in the data file's "unavailable"
  std::ostringstream out;
  write_check_text(result, stig, Arch::x86_64, out);
  EXPECT_EQ(out.str().substr(0, out.str().find('\n')), "V-268098 (SV-268098r1039593_rule, medium) on x86_64: NotAFinding");
}

TEST(Cklb, RulesCarryTheirCcis) {
  check::CheckResult result;
  result.group_id = "V-268119";
  result.verdict = check::Verdict::NotAFinding;
  auto stig = stig_rule("V-268119", "SV-268119r1131040_rule");
  stig.ccis = {"CCI-000163", "CCI-000164"};
  auto doc = cklb(ChecklistTarget{"captured rules", "host", ""}, {check_finding(result, stig, Arch::x86_64)});
  EXPECT_EQ(doc["stigs"][0]["rules"][0]["ccis"], nlohmann::json({"CCI-000163", "CCI-000164"}));
}

}  // namespace
}  // namespace auditvm::report
