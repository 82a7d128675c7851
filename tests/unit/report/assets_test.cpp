// Checklists per asset: cells on one target (the user's --host-name, ...) are one asset in STIG
// Manager, so their findings are one checklist, each rule with the worst status of its cells.
#include <gtest/gtest.h>

#include <functional>

#include "check/stig.hpp"
#include "report/assets.hpp"

namespace auditvm::report {
namespace {

// A cell that ran to the end: model and kernel agree on `verdict`, no record lost.
CellResult cell(const std::string& configuration, Arch arch, std::optional<Verdict> verdict, std::optional<Verdict> kernel) {
  CellResult c;
  c.scenario = "V-268096";
  c.configuration = configuration;
  c.description = "configuration " + configuration;
  c.arch = arch;
  c.stig = "V-268096";
  c.verdict = verdict;
  c.kernel_verdict = kernel;
  c.evidence = CellEvidence{};
  c.evidence->auditctl_s_before = c.evidence->auditctl_s_after = "enabled 1\nlost 0\n";
  c.evidence->auditctl_l = "-a always,exit -F key=" + configuration + "\n";
  c.evidence->status_checks = {{"V-268092", Verdict::NotAFinding, {}}};
  return c;
}

const std::vector<check::StigRule>& rules() {
  static const auto all = check::load_stig_rules(check::shipped_stig_dir());
  return all;
}

// Two cells on the user's asset web01, checklists made by `change` first.
std::vector<AssetChecklist> on_web01(CellResult a, CellResult b, const std::function<void(RunResult&)>& change = {}) {
  TargetData given;
  given.host_name = "web01";
  RunResult run;
  run.cells = {std::move(a), std::move(b)};
  if (change) change(run);
  return asset_checklists(run, rules(), given);
}

const Finding& of(const AssetChecklist& checklist, const std::string& group) {
  for (const auto& f : checklist.findings)
    if (f.rule.group_id == group) return f;
  throw std::runtime_error("no finding for " + group);
}

TEST(Assets, EachCellIsItsOwnAssetUnlessTheUserNamesOne) {
  RunResult run;
  run.cells = {cell("stig-fix", Arch::x86_64, Verdict::NotAFinding, Verdict::NotAFinding),
               cell("stig-fix", Arch::aarch64, Verdict::NotAFinding, Verdict::NotAFinding)};
  auto own = asset_checklists(run, rules(), {});
  ASSERT_EQ(own.size(), 2u);
  EXPECT_EQ(own[0].name, "stig-fix@x86_64");
  EXPECT_EQ(own[0].target.host_name, "auditvm-stig-fix@x86_64");
  EXPECT_EQ(own[0].target.comments, "configuration stig-fix");
  EXPECT_EQ(own[1].name, "stig-fix@aarch64");
  EXPECT_EQ(own[0].cells, std::vector<std::string>{"stig-fix@x86_64"});

  TargetData given;
  given.host_name = "web01";
  given.fqdn = "web01.example.org";
  auto one = asset_checklists(run, rules(), given);
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].name, "web01");  // named after the asset
  EXPECT_EQ(one[0].target.host_name, "web01");
  EXPECT_EQ(one[0].target.fqdn, "web01.example.org");
  EXPECT_EQ(one[0].cells, (std::vector<std::string>{"stig-fix@x86_64", "stig-fix@aarch64"}));
  EXPECT_NE(one[0].target.comments.find("2 cells"), std::string::npos) << one[0].target.comments;
  // One entry per rule, not per cell.
  ASSERT_EQ(one[0].findings.size(), 2u);
  EXPECT_EQ(of(one[0], "V-268096").status, FindingStatus::not_a_finding);
  EXPECT_EQ(of(one[0], "V-268092").status, FindingStatus::not_a_finding);
}

// The worst status wins: NotAFinding only when every cell on the asset says so; Open over not
// reviewed (a cell that found the rule open is a finding, whatever another could not review).
TEST(Assets, TheWorstStatusOfTheAssetsCellsWinsWithEachCellsEvidence) {
  TargetData given;
  given.host_name = "web01";
  struct Case {
    std::vector<CellResult> cells;
    FindingStatus want;
  };
  auto compliant = cell("stig-fix", Arch::x86_64, Verdict::NotAFinding, Verdict::NotAFinding);
  auto open = cell("b64-only", Arch::x86_64, Verdict::Open, Verdict::Open);
  auto disagreeing = cell("kernel-log", Arch::aarch64, Verdict::NotAFinding, Verdict::Open);  // not reviewed
  auto broken = cell("stig-fix", Arch::aarch64, std::nullopt, std::nullopt);
  broken.infra_error = "the guest did not boot";
  broken.evidence.reset();
  const std::vector<Case> cases = {{{compliant, open}, FindingStatus::open},
                                   {{open, compliant}, FindingStatus::open},
                                   {{compliant, disagreeing}, FindingStatus::not_reviewed},
                                   {{disagreeing, open}, FindingStatus::open},
                                   {{compliant, broken}, FindingStatus::not_reviewed},
                                   {{compliant, compliant}, FindingStatus::not_a_finding}};
  for (const auto& c : cases) {
    RunResult run;
    run.cells = c.cells;
    if (c.cells[0].id() == c.cells[1].id()) run.cells[1].arch = Arch::aarch64;
    auto assets = asset_checklists(run, rules(), given);
    ASSERT_EQ(assets.size(), 1u);
    const auto& finding = of(assets[0], "V-268096");
    SCOPED_TRACE(run.cells[0].id() + " + " + run.cells[1].id());
    EXPECT_EQ(finding.status, c.want) << finding.details;
    // Every cell named with its own status, and its evidence there.
    for (const auto& x : run.cells) {
      EXPECT_NE(finding.details.find(x.id() + ": " + std::string(cklb_status(cell_findings(x, rules())[0].status))), std::string::npos)
          << finding.details;
      if (x.evidence) EXPECT_NE(finding.details.find(x.evidence->auditctl_l), std::string::npos) << finding.details;
    }
    // The summary first: the status and why, before any cell's evidence (STIG Manager cuts long details).
    EXPECT_EQ(finding.details.rfind("auditvm evaluated this rule in 2 cells on this asset", 0), 0u) << finding.details;
  }
}

// The winning cells' evidence comes first, so what STIG Manager keeps of long details (32767
// characters) is the evidence of the status it records.
TEST(Assets, TheEvidenceOfTheWorstCellsComesFirst) {
  const auto assets = on_web01(cell("stig-fix", Arch::x86_64, Verdict::NotAFinding, Verdict::NotAFinding),
                               cell("b64-only", Arch::x86_64, Verdict::Open, Verdict::Open));  // named: of() returns into it
  const auto& details = of(assets[0], "V-268096").details;
  auto open_at = details.find("key=b64-only");
  auto compliant_at = details.find("key=stig-fix");
  ASSERT_NE(open_at, std::string::npos);
  ASSERT_NE(compliant_at, std::string::npos);
  EXPECT_LT(open_at, compliant_at);
}

// A rule only some of the asset's cells evaluated says so.
TEST(Assets, ARuleEvaluatedInSomeCellsSaysInHowMany) {
  const auto assets = on_web01(cell("stig-fix", Arch::x86_64, Verdict::NotAFinding, Verdict::NotAFinding),
                               cell("stig-fix", Arch::aarch64, Verdict::NotAFinding, Verdict::NotAFinding),
                               [](RunResult& run) { run.cells[1].evidence->status_checks.clear(); });
  const auto& finding = of(assets[0], "V-268092");
  EXPECT_EQ(finding.status, FindingStatus::not_a_finding);
  EXPECT_EQ(finding.details.rfind("auditvm evaluated this rule in 1 of 2 cells on this asset", 0), 0u) << finding.details;
}

}  // namespace
}  // namespace auditvm::report
