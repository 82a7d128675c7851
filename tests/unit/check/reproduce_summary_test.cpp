#include <gtest/gtest.h>

#include "cli/reproduce_summary.hpp"

namespace auditvm::cli {
namespace {

report::CellResult cell(const std::string& model, const std::string& kernel) {
  report::CellResult c;
  c.stig = "V-268096";
  c.verdict = report::parse_verdict(model);
  c.kernel_verdict = report::parse_verdict(kernel);
  c.assertions.push_back({"check verdict is NotAFinding", report::Status::pass, "", {}});
  return c;
}

// The rules stopped at a -F path= the guest lacks, lint said they load: the verdicts still agree,
// and the message must say the disagreement is lint's load prediction.
TEST(ReproduceSummary, AWrongLoadPredictionIsNamedAsSuchNotAsDisagreeingVerdicts) {
  auto c = cell("NotAFinding", "NotAFinding");
  c.assertions.push_back({"lint predicted the rules load", report::Status::model_mismatch,
                          "lint: loads completely; auditctl -R: stopped at line 28", {}});
  auto summary = summarise_reproduce(c);
  EXPECT_FALSE(summary.agree);
  EXPECT_EQ(summary.disagreement, "load prediction");
  EXPECT_EQ(summary.headline.find("THEY DISAGREE"), std::string::npos) << summary.headline;
  EXPECT_NE(summary.headline.find("LOAD PREDICTION WAS WRONG (where auditctl -R stops, not the verdict): lint: loads completely; auditctl -R: stopped at line 28"),
            std::string::npos)
      << summary.headline;
}

// Clashing verdicts are the disagreement; a wrong load prediction beside them is named apart.
TEST(ReproduceSummary, AWrongLoadPredictionBesideClashingVerdictsIsNamedToo) {
  auto c = cell("NotAFinding", "Open");
  c.assertions.push_back({"lint predicted the rules load", report::Status::model_mismatch,
                          "lint: loads completely; auditctl -R: stopped at line 28 (Error sending add rule data request (No such file or directory))", {}});
  auto summary = summarise_reproduce(c);
  EXPECT_EQ(summary.disagreement, "verdict");
  EXPECT_NE(summary.headline.find("THEY DISAGREE (and lint's load prediction was wrong too: lint: loads completely; auditctl -R: stopped at line 28"),
            std::string::npos)
      << summary.headline;
}

TEST(ReproduceSummary, ClashingVerdictsOrRecordsAreADisagreement) {
  auto clash = summarise_reproduce(cell("NotAFinding", "Open"));
  EXPECT_EQ(clash.disagreement, "verdict");
  EXPECT_NE(clash.headline.find("THEY DISAGREE"), std::string::npos);
  auto records = cell("Open", "Open");
  records.assertions.push_back({"finit_module b64 as user: record", report::Status::model_mismatch, "no record", {}});
  records.assertions.push_back({"lint predicted the rules load", report::Status::model_mismatch, "x", {}});
  EXPECT_EQ(summarise_reproduce(records).disagreement, "verdict");
  auto agree = summarise_reproduce(cell("Open", "Open"));
  EXPECT_TRUE(agree.agree);
  EXPECT_NE(agree.headline.find("(agree)"), std::string::npos);
}

// The witnesses judge the verdict: a finding no witness confirmed is no agreement (the issue's
// `auid!=1005` capture read "model Open, kernel evidence NotAFinding (agree)").
TEST(ReproduceSummary, AFindingTheKernelDidNotConfirmIsADisagreement) {
  auto unconfirmed = summarise_reproduce(cell("Open", "NotAFinding"));
  EXPECT_FALSE(unconfirmed.agree);
  EXPECT_EQ(unconfirmed.disagreement, "verdict");
  auto undecided = summarise_reproduce(cell("Open", ""));
  EXPECT_FALSE(undecided.agree);
  EXPECT_EQ(undecided.disagreement, "verdict");
}

TEST(ReproduceSummary, AWitnessWhosePredictionFailedIsADisagreementEvenWhenTheVerdictsAgree) {
  auto c = cell("Open", "Open");
  c.assertions.push_back({"every witness event did what the model predicted", report::Status::model_mismatch,
                          "b64 finit_module, auid 1005, uid 0, EPERM: recorded, event #70: the model predicted no record", {}});
  auto summary = summarise_reproduce(c);
  EXPECT_FALSE(summary.agree);
  EXPECT_EQ(summary.disagreement, "witness");
  EXPECT_NE(summary.headline.find("event #70"), std::string::npos) << summary.headline;
}

}  // namespace
}  // namespace auditvm::cli
