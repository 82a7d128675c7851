// A checklist status says what the configuration does, never whether the scenario's expectation
// held: an auditor imports it as a compliance finding.
#include <gtest/gtest.h>

#include <pugixml.hpp>

#include "report/finding.hpp"
#include "report/writers.hpp"

namespace auditvm::report {
namespace {

check::StigRule rule_v268096() {
  check::StigRule rule;
  rule.group_id = "V-268096";
  rule.rule_id = "SV-268096r1039563_rule";
  rule.stig_id = "ANIX-00-000290";
  rule.severity = "medium";
  rule.release = "V1R1";
  rule.release_date = "2024-10-25";
  rule.source = "scenarios/stig/V-268096.json";
  return rule;
}

WitnessRow witness(int number, bool recorded) {
  WitnessRow row;
  row.number = number;
  row.event.abi = Abi::b64;
  row.event.syscall = "finit_module";
  row.event.auid = 1000;
  row.event.success = false;
  row.event.exit_code = -1;  // EPERM
  row.region = "covered: b64 finit_module, recorded by rule on line 2";
  row.predicted = check::Fate::recorded;
  row.result = "EPERM";
  if (recorded) row.records = {"type=SYSCALL msg=audit(1.0:41): arch=c000003e syscall=313 success=no exit=-1 auid=1000 key=\"module_chng\""};
  return row;
}

// Model and kernel agree on NotAFinding, every record there; only the scenario's own expectations
// broke: the verdict it wrote was wrong, and one action returned another errno than it expected.
CellResult compliant_with_broken_expectations() {
  CellResult cell;
  cell.scenario = "V-268096";
  cell.configuration = "stig-fix";
  cell.stig = "V-268096";
  cell.verdict = cell.kernel_verdict = Verdict::NotAFinding;
  cell.expected_verdict = Verdict::Open;
  cell.records_expected = cell.records_matched = 4;
  cell.evidence = CellEvidence{};
  cell.evidence->auditctl_s_before = "enabled 1\nlost 0\n";
  cell.evidence->auditctl_s_after = "enabled 1\nlost 0\n";
  cell.evidence->auditctl_l = "-a always,exit -F arch=b64 -S init_module,finit_module,delete_module -F auid>=1000 -F key=module_chng\n";
  cell.evidence->witnesses = {witness(41, true)};
  cell.assertions = {{"check verdict is Open", Status::fail, "the model says NotAFinding on auditctl -l", std::nullopt},
                     {"the kernel's witnesses confirm the verdict", Status::pass, "model and kernel: NotAFinding", std::nullopt},
                     {"#03 user b64 finit_module returns EPERM", Status::fail, "returned ENOENT", std::nullopt}};
  return cell;
}

Finding own_finding(const CellResult& cell) {
  auto findings = cell_findings(cell, {rule_v268096()});
  EXPECT_FALSE(findings.empty());
  return findings.empty() ? Finding{} : findings.front();
}

TEST(Findings, ACompliantCellWithABrokenExpectationIsNotOpen) {
  auto cell = compliant_with_broken_expectations();
  ASSERT_EQ(cell.status(), Status::fail);  // the test failed, and stays failed in JUnit and the exit code
  EXPECT_EQ(own_finding(cell).status, FindingStatus::not_a_finding);
  auto doc = cklb(cell, std::vector<check::StigRule>{rule_v268096()});
  EXPECT_EQ(doc["stigs"][0]["rules"][0]["status"], "not_a_finding");
}

TEST(Findings, AnOpenCellWithABrokenExpectationStaysOpen) {
  auto cell = compliant_with_broken_expectations();
  cell.verdict = cell.kernel_verdict = Verdict::Open;
  cell.expected_verdict = Verdict::NotAFinding;
  EXPECT_EQ(own_finding(cell).status, FindingStatus::open);
}

TEST(Findings, ModelAndKernelDisagreeingIsNotReviewedWithTheReason) {
  auto cell = compliant_with_broken_expectations();
  cell.kernel_verdict = Verdict::Open;
  auto finding = own_finding(cell);
  EXPECT_EQ(finding.status, FindingStatus::not_reviewed);
  EXPECT_NE(finding.details.find("NOT REVIEWED: the check model says NotAFinding but the kernel's witnesses say Open"), std::string::npos)
      << finding.details;
}

TEST(Findings, NoKernelVerdictIsNotReviewed) {
  auto cell = compliant_with_broken_expectations();
  cell.kernel_verdict.reset();
  auto finding = own_finding(cell);
  EXPECT_EQ(finding.status, FindingStatus::not_reviewed);
  EXPECT_NE(finding.details.find("NOT REVIEWED: the kernel's witnesses gave no verdict"), std::string::npos) << finding.details;
}

TEST(Findings, AModelMismatchOrMachineryErrorIsNotReviewedNamingIt) {
  for (Status status : {Status::model_mismatch, Status::infra_error}) {
    auto cell = compliant_with_broken_expectations();
    cell.assertions.push_back({"every witness event did what the model predicted", status, "b64 finit_module ...: no record", std::nullopt});
    auto finding = own_finding(cell);
    EXPECT_EQ(finding.status, FindingStatus::not_reviewed) << to_string(status);
    EXPECT_NE(finding.details.find("NOT REVIEWED: " + std::string(to_string(status)) + ": every witness event did what the model predicted"),
              std::string::npos)
        << finding.details;
  }
}

TEST(Findings, LostRecordsAreNotReviewed) {
  auto cell = compliant_with_broken_expectations();
  cell.evidence->auditctl_s_after = "enabled 1\nlost 12\n";
  auto finding = own_finding(cell);
  EXPECT_EQ(finding.status, FindingStatus::not_reviewed);
  EXPECT_NE(finding.details.find("NOT REVIEWED: the kernel lost 12 audit records during the cell"), std::string::npos) << finding.details;
}

TEST(Findings, ACellThatCouldNotRunIsNotReviewed) {
  auto cell = compliant_with_broken_expectations();
  cell.infra_error = "the VM went away during a command";
  cell.evidence.reset();
  auto finding = own_finding(cell);
  EXPECT_EQ(finding.status, FindingStatus::not_reviewed);
  EXPECT_NE(finding.details.find("NOT REVIEWED: the guest could not run the check to the end: the VM went away"), std::string::npos)
      << finding.details;
}

TEST(Findings, DetailsCarryTheRulesSeenAndEveryWitnessWithItsRecord) {
  auto cell = compliant_with_broken_expectations();
  cell.audit_log = "logs/stig-fix.audit.log";
  cell.evidence->witnesses.push_back(witness(42, false));  // did not hold: its absence is the evidence
  auto extra = witness(43, true);
  extra.records.push_back(extra.records.front());  // two records where one was predicted
  cell.evidence->witnesses.push_back(extra);
  auto details = own_finding(cell).details;
  EXPECT_NE(details.find("auditctl -l:\n-a always,exit -F arch=b64 -S init_module"), std::string::npos) << details;
  // A witness that held is cited by its record's id in the audit log (all of them in full would
  // pass STIG Manager's 32767-character limit); one that did not hold comes with its records.
  EXPECT_NE(details.find("b64 finit_module, auid 1000, uid 0, EPERM: recorded, event #41: audit(1.0:41)\n"), std::string::npos) << details;
  EXPECT_NE(details.find("audit log: logs/stig-fix.audit.log"), std::string::npos) << details;
  EXPECT_NE(details.find("b64 finit_module, auid 1000, uid 0, EPERM: no record, event #42 (predicted: recorded; covered: b64 finit_module"),
            std::string::npos)
      << details;
  EXPECT_NE(details.find("EPERM: 2 records, event #43 (predicted: recorded; covered: b64 finit_module, recorded by rule on line 2)\n"
                         "    type=SYSCALL msg=audit(1.0:41)"),
            std::string::npos)
      << details;
  // The scenario's expectations are test results, not evidence about the configuration.
  EXPECT_EQ(details.find("check verdict is Open"), std::string::npos) << details;
}

// Another syscall rule of the cell (a scenario naming several) gets a finding of its own: its own
// verdicts, its findings, and only its witnesses.
TEST(Findings, EveryOtherSyscallRuleOfTheCellGetsItsOwnFindingFromItsOwnWitnesses) {
  auto cell = compliant_with_broken_expectations();
  check::StigRule access = rule_v268096();
  access.group_id = "V-268098";
  check::StigRule mounts = rule_v268096();
  mounts.group_id = "V-268094";
  RuleCheckRow open_row{"V-268098", Verdict::NotAFinding, Verdict::Open, Verdict::Open, false, true,
                        {"b32 open, auid 1000..4294967294, failure with exit -13: no rule; confirmed by the kernel: b32 open ..."}, {}};
  RuleCheckRow disagreeing{"V-268094", std::nullopt, Verdict::NotAFinding, Verdict::Open, true, true, {}, {}};
  cell.evidence->rule_checks = {open_row, disagreeing};
  auto witness_of_open = witness(77, false);
  witness_of_open.rule = "V-268098";
  witness_of_open.event.abi = Abi::b32;
  witness_of_open.event.syscall = "open";
  witness_of_open.predicted = check::Fate::no_rule;
  witness_of_open.region = "uncovered: b32 open, auid 1000..4294967294, failure with exit -13: no rule";
  cell.evidence->witnesses.push_back(witness_of_open);
  cell.evidence->witnesses.front().rule = "V-268096";
  auto findings = cell_findings(cell, {rule_v268096(), access, mounts});
  ASSERT_EQ(findings.size(), 3U);
  EXPECT_EQ(findings[0].rule.group_id, "V-268096");
  EXPECT_EQ(findings[0].status, FindingStatus::not_a_finding);
  EXPECT_EQ(findings[0].details.find("b32 open"), std::string::npos) << "another rule's witness in the cell's own finding";
  EXPECT_EQ(findings[1].rule.group_id, "V-268098");
  EXPECT_EQ(findings[1].status, FindingStatus::open);
  EXPECT_NE(findings[1].details.find("Not audited: b32 open, auid 1000..4294967294, failure with exit -13: no rule; confirmed by the kernel"),
            std::string::npos)
      << findings[1].details;
  EXPECT_NE(findings[1].details.find("b32 open, auid 1000, uid 0, EPERM: no record, event #77"), std::string::npos) << findings[1].details;
  EXPECT_EQ(findings[1].details.find("event #41"), std::string::npos) << "the cell's own witness in another rule's finding";
  EXPECT_EQ(findings[2].rule.group_id, "V-268094");
  EXPECT_EQ(findings[2].status, FindingStatus::not_reviewed);
  EXPECT_NE(findings[2].details.find("the check model says NotAFinding but the kernel's witnesses say Open"), std::string::npos) << findings[2].details;
}

// The .ckl (STIG Viewer 2, what MITRE SAF reads) carries the same statuses and target as the .cklb.
TEST(Ckl, CarriesTheSameFindingsTargetAndRelease) {
  auto cell = compliant_with_broken_expectations();
  TargetData target;
  target.host_name = "web01";
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(ckl(cell, {rule_v268096()}, target).c_str()));
  auto checklist = doc.child("CHECKLIST");
  EXPECT_STREQ(checklist.child("ASSET").child_value("HOST_NAME"), "web01");
  auto stig = checklist.child("STIGS").child("iSTIG");
  std::string release;
  for (auto si : stig.child("STIG_INFO").children("SI_DATA"))
    if (std::string(si.child_value("SID_NAME")) == "releaseinfo") release = si.child_value("SID_DATA");
  EXPECT_EQ(release, "Release: 1 Benchmark Date: 25 Oct 2024");
  auto vuln = stig.child("VULN");
  ASSERT_TRUE(vuln);
  EXPECT_STREQ(vuln.child_value("STATUS"), "NotAFinding");
  EXPECT_STREQ(vuln.child_value("COMMENTS"), "");
  std::string rule_id;
  for (auto datum : vuln.children("STIG_DATA"))
    if (std::string(datum.child_value("VULN_ATTRIBUTE")) == "Rule_ID") rule_id = datum.child_value("ATTRIBUTE_DATA");
  EXPECT_EQ(rule_id, "SV-268096r1039563_rule");
  EXPECT_NE(std::string(vuln.child_value("FINDING_DETAILS")).find("event #41"), std::string::npos);
}

}  // namespace
}  // namespace auditvm::report
