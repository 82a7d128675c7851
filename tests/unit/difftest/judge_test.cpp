#include "difftest/judge.hpp"

#include <gtest/gtest.h>

#include "nixos/render.hpp"
#include "rules/parser.hpp"
#include "difftest/generator.hpp"

namespace auditvm::difftest {
namespace {

const char* kStigB64 = "-a always,exit -F arch=b64 -S init_module,finit_module,delete_module -F auid>=1000 -F auid!=-1 -F key=m\n";

scenario::Scenario actors() {
  scenario::Scenario s;
  s.actors = {{"root-auid1000", 1000, 0, 0}, {"root-auid-unset", std::nullopt, 0, 0}, {"root-auid999", 999, 0, 0}};
  return s;
}

report::ActionRow row(const std::string& actor, Abi abi, const std::string& call, const std::string& result, int records) {
  report::ActionRow r;
  r.actor = actor;
  r.abi = abi;
  r.syscall = call;
  r.result = result;
  for (int i = 0; i < records; ++i) r.records.push_back("type=SYSCALL ...");
  return r;
}

// A cell that loaded `lines` completely and listed `listed`, with every assertion passing.
report::CellResult cell(const std::vector<std::string>& lines, const std::string& listed) {
  report::CellResult c;
  c.arch = Arch::x86_64;
  report::CellEvidence e;
  e.rules_file = nixos::render_rules(configuration_for(lines));
  e.auditctl_R = report::LoadOutput{0, ""};
  e.auditctl_l = listed;
  c.evidence = e;
  c.assertions.push_back({"no audit records lost", report::Status::pass, "", std::nullopt});
  return c;
}

const check::StigRule& stig() {
  static const auto rule = check::find_stig_rule("V-268096");
  return rule;
}

TEST(Judge, AgreementIsNoDisagreement) {
  auto c = cell({kStigB64}, kStigB64);
  c.evidence->actions = {row("root-auid1000", Abi::b64, "finit_module", "success", 1), row("root-auid-unset", Abi::b64, "finit_module", "success", 0),
                         row("root-auid1000", Abi::b32, "init_module", "EEXIST", 0), row("root-auid999", Abi::b64, "delete_module", "ENOENT", 0)};
  auto j = judge_cell(c, actors(), stig(), kernel_model());
  EXPECT_EQ(j.events, 4);
  EXPECT_TRUE(j.disagreements.empty());
  EXPECT_TRUE(j.inconclusive.empty());
}

TEST(Judge, AMissingOrAnUnexpectedRecordIsAnEventDisagreement) {
  auto c = cell({kStigB64}, kStigB64);
  c.evidence->actions = {row("root-auid1000", Abi::b64, "finit_module", "success", 0), row("root-auid-unset", Abi::b64, "init_module", "EPERM", 1),
                         row("root-auid1000", Abi::b64, "delete_module", "success", 2)};
  auto j = judge_cell(c, actors(), stig(), kernel_model());
  ASSERT_EQ(j.disagreements.size(), 3U);
  const auto& missing = j.disagreements[0];
  EXPECT_EQ(missing.kind, Disagreement::Kind::event);
  EXPECT_EQ(missing.what, "b64 finit_module, auid 1000, uid 0, success");
  EXPECT_EQ(missing.kernel, "no record");
  EXPECT_EQ(missing.model.rfind("recorded (", 0), 0U) << missing.model;
  EXPECT_EQ(j.disagreements[1].what, "b64 init_module, auid unset, uid 0, EPERM");
  EXPECT_EQ(j.disagreements[1].kernel, "recorded");
  EXPECT_EQ(j.disagreements[1].event->exit_code, -1);
  EXPECT_EQ(j.disagreements[2].kernel, "2 records");
  EXPECT_NE(missing.signature(), j.disagreements[1].signature());
}

TEST(Judge, AWitnessIsComparedOnlyWhenMadeAsAsked) {
  auto c = cell({kStigB64}, kStigB64);
  report::WitnessRow w;
  w.event = {Abi::b64, "finit_module", 1005, 0, 0, 0, false, -1};  // EPERM
  w.result = "EEXIST";
  report::WitnessRow made = w;
  made.result = "EPERM";  // recorded by the rule, and the kernel wrote none
  c.evidence->witnesses = {w, made};
  auto j = judge_cell(c, actors(), stig(), kernel_model());
  EXPECT_EQ(j.not_made, 1);
  EXPECT_EQ(j.events, 1);
  ASSERT_EQ(j.disagreements.size(), 1U);
  EXPECT_EQ(j.disagreements[0].what, "b64 finit_module, auid 1005, uid 0, EPERM");
  EXPECT_EQ(j.disagreements[0].kernel, "no record");
}

TEST(Judge, LintsLoadPredictionIsJudgedAgainstAuditctl) {
  // lint says this loads (it cannot see the target's files); auditctl said it stopped at line 5
  // (the first rule of NixOS's file).
  auto c = cell({"-w /nonexistent/x -p wa"}, "No rules\n");
  c.load_failure = report::LoadFailure{5, "-w /nonexistent/x -p wa", "Error sending add rule data request (No such file or directory)"};
  auto j = judge_cell(c, actors(), stig(), kernel_model());
  ASSERT_EQ(j.disagreements.size(), 1U);
  EXPECT_EQ(j.disagreements[0].kind, Disagreement::Kind::load);
  EXPECT_EQ(j.disagreements[0].model, "loads completely");
  EXPECT_EQ(j.disagreements[0].kernel, "stopped at line 5: Error sending add rule data request (No such file or directory)");
  EXPECT_EQ(j.disagreements[0].signature(), "load model loads completely / kernel stopped: Error sending add rule data request (No such file or directory)");
  // And the other way round: lint stops at a line auditctl loaded.
  auto d = cell({"-a always,exit -F arch=b64 -S nosuchcall"}, "No rules\n");
  auto k = judge_cell(d, actors(), stig(), kernel_model());
  ASSERT_EQ(k.disagreements.size(), 1U);
  EXPECT_EQ(k.disagreements[0].model, "stops at line 5: Syscall name unknown: nosuchcall");
  EXPECT_EQ(k.disagreements[0].kernel, "loaded completely");
}

// With the guest's paths in the evidence (probed as it loaded the file) the stop is predicted:
// the fixtures found/*/load-watch-missing-dir* are no disagreement.
TEST(Judge, TheGuestsPathsMakeTheLoadPredictionExact) {
  auto c = cell({"-w /nonexistent/x -p wa"}, "No rules\n");
  c.load_failure = report::LoadFailure{5, "-w /nonexistent/x -p wa", "Error sending add rule data request (No such file or directory)"};
  c.evidence->target_paths = check::TargetPaths{{{"/nonexistent", check::PathState::missing}}};
  EXPECT_TRUE(judge_cell(c, actors(), stig(), kernel_model()).disagreements.empty());
  // And where the guest has the directory, a stop there is a disagreement again.
  c.evidence->target_paths->states["/nonexistent"] = check::PathState::directory;
  auto j = judge_cell(c, actors(), stig(), kernel_model());
  ASSERT_EQ(j.disagreements.size(), 1U);
  EXPECT_EQ(j.disagreements[0].model, "loads completely");
}

TEST(Judge, LostRecordsMakeTheKernelSideInconclusive) {
  auto c = cell({kStigB64}, kStigB64);
  c.assertions[0].status = report::Status::fail;
  c.evidence->actions = {row("root-auid1000", Abi::b64, "finit_module", "success", 0)};
  c.verdict = check::Verdict::NotAFinding;
  c.kernel_verdict = check::Verdict::Open;
  auto j = judge_cell(c, actors(), stig(), kernel_model());
  EXPECT_TRUE(j.disagreements.empty());
  EXPECT_NE(j.inconclusive.find("lost"), std::string::npos);
}

// A cell of `rules` the model called Open and the witnesses NotAFinding: one required witness,
// made as asked (EPERM) and recorded, which the model predicted `predicted`.
report::CellResult open_cell(const std::string& rules, const check::Event& event, check::Fate predicted) {
  auto c = cell({rules}, rules);
  c.verdict = check::Verdict::Open;
  c.kernel_verdict = check::Verdict::NotAFinding;
  report::WitnessRow w;
  w.event = event;
  w.result = "EPERM";
  w.required = true;
  w.predicted = predicted;
  w.records = {"r"};
  c.evidence->witnesses = {w};
  return c;
}

TEST(Judge, VerdictsDisagreeUnlessTheModelOnlyCouldNotDecide) {
  auto c = cell({kStigB64}, kStigB64);
  c.verdict = check::Verdict::NotAFinding;
  c.kernel_verdict = check::Verdict::Open;
  auto j = judge_cell(c, actors(), stig(), kernel_model());
  ASSERT_EQ(j.disagreements.size(), 1U);
  EXPECT_EQ(j.disagreements[0].kind, Disagreement::Kind::verdict);
  // Open because of a -C the model cannot decide (obj_uid: the model has no object ids; gid=egid it now splits exactly), the kernel recorded everything: no disagreement.
  const std::string undecided = "-a always,exit -F arch=b64 -S init_module,delete_module,finit_module -C uid=obj_uid\n"
                                "-a always,exit -F arch=b32 -S init_module,delete_module,finit_module -C uid=obj_uid\n";
  auto u = cell({undecided}, undecided);
  u.verdict = check::Verdict::Open;
  u.kernel_verdict = check::Verdict::NotAFinding;
  u.evidence->witnesses = {report::WitnessRow{}};
  u.evidence->witnesses[0].result = "success";
  u.evidence->witnesses[0].event.syscall = "finit_module";
  u.evidence->witnesses[0].predicted = check::Fate::undecidable;
  for (const auto& d : judge_cell(u, actors(), stig(), kernel_model()).disagreements) ADD_FAILURE() << d.what << ": " << d.model << " / " << d.kernel;
  // Open on a decided gap (b32 has no rule) while the witness made inside it was recorded: that
  // is one (and the witness's own event another).
  auto g = open_cell(kStigB64, {Abi::b32, "finit_module", 1000, 0, 0, 0, false, -1}, check::Fate::no_rule);
  auto jg = judge_cell(g, actors(), stig(), kernel_model());
  ASSERT_EQ(jg.disagreements.size(), 2U);
  EXPECT_EQ(jg.disagreements[0].kind, Disagreement::Kind::event);
  EXPECT_EQ(jg.disagreements[1].kind, Disagreement::Kind::verdict);
  EXPECT_TRUE(jg.unconfirmed.empty());
}

// A decided gap no witness could be made in (finit_module's EACCES: IMA appraisal gives it, the
// guest cannot) is the model's answer the kernel was never asked about: the witnesses elsewhere
// say NotAFinding, which is no disagreement, but the set says its finding is unconfirmed.
TEST(Judge, AGapNoWitnessCouldBeMadeInIsUnconfirmedNotADisagreement) {
  std::string rules;
  for (const char* abi : {"b32", "b64"}) rules += std::string("-a always,exit -F arch=") + abi + " -S init_module,finit_module,delete_module -F exit!=-13\n";
  ASSERT_EQ(check::evaluate(rules::parse_listing(rules, Arch::x86_64, "t"), Arch::x86_64, stig()).verdict, check::Verdict::Open);
  auto c = open_cell(rules, {Abi::b64, "finit_module", 1000, 0, 0, 0, false, -1}, check::Fate::recorded);
  auto j = judge_cell(c, actors(), stig(), kernel_model());
  for (const auto& d : j.disagreements) ADD_FAILURE() << d.what << ": " << d.model << " / " << d.kernel;
  EXPECT_NE(j.unconfirmed.find("failure with exit -13 (EACCES)"), std::string::npos) << j.unconfirmed;
}

TEST(Judge, AModelWithOneComparisonFlippedIsCaught) {
  // auid>=1000 read as auid>1000: the model now predicts no record for auid 1000.
  Model flipped = [](const rules::RuleSet& loaded, Arch arch, const check::Event& event) {
    auto copy = loaded;
    for (auto& rule : copy.rules)
      if (auto* body = std::get_if<rules::SyscallRule>(&rule.body))
        for (auto& field : body->fields)
          if (field.field == "auid" && field.op == rules::Op::ge) field.op = rules::Op::gt;
    return check::predict(copy, arch, event);
  };
  auto c = cell({kStigB64}, kStigB64);
  c.evidence->actions = {row("root-auid1000", Abi::b64, "finit_module", "success", 1)};
  EXPECT_TRUE(judge_cell(c, actors(), stig(), kernel_model()).disagreements.empty());
  auto j = judge_cell(c, actors(), stig(), flipped);
  ASSERT_EQ(j.disagreements.size(), 1U);
  EXPECT_EQ(j.disagreements[0].kernel, "recorded");
}

TEST(Judge, OtherModelMismatchAssertionsAreKept) {
  auto c = cell({kStigB64}, kStigB64);
  c.assertions.push_back({"NixOS wrote the rules file auditvm renders", report::Status::model_mismatch, "differs", std::nullopt});
  for (std::string compared : {"lint predicted the rules load", "the kernel's witnesses confirm the verdict",
                                "every witness event did what the model predicted", "the actions' records support the verdict"})
    c.assertions.push_back({compared, report::Status::model_mismatch, "compared by difftest itself", std::nullopt});
  auto j = judge_cell(c, actors(), stig(), kernel_model());
  ASSERT_EQ(j.disagreements.size(), 1U);
  EXPECT_EQ(j.disagreements[0].kind, Disagreement::Kind::assertion);
  EXPECT_EQ(j.disagreements[0].what, "NixOS wrote the rules file auditvm renders");
}

}  // namespace
}  // namespace auditvm::difftest
