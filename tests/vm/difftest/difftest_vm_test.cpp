// The differential tester's loop in real guests, both arches: rule sets one after the other in
// one guest, the reset between them verified, and a model with one comparison flipped caught
// and shrunk to the one condition it gets wrong.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include <nlohmann/json.hpp>

#include "core/files.hpp"
#include "core/process.hpp"
#include "difftest/loop.hpp"
#include "image/builder.hpp"
#include "rules/parser.hpp"
#include "seeded_run.hpp"
#include "support/temp_dir.hpp"

namespace auditvm::difftest {
namespace {

using testing::HasSubstr;

const std::string kStig =
    "-a always,exit -F arch=b64 -S init_module,finit_module,delete_module -F auid>=1000 -F auid!=unset -k module_chng";
const std::string kStig32 =
    "-a always,exit -F arch=b32 -S init_module,finit_module,delete_module -F auid>=1000 -F auid!=unset -k module_chng";

class DifftestVmTest : public test::TempDirTest, public ::testing::WithParamInterface<Arch> {
 protected:
  DifftestVmTest() : TempDirTest("difftest") {}
  LoopOptions options(Arch arch) {
    LoopOptions o;
    o.arch = arch;
    image::BuildOptions build;
    build.quiet = true;
    o.manifest = image::image_for_run(arch, build);  // this checkout's image (built when it has none)
    o.accel = machine::Accel::tcg;  // what CI has
    o.report_dir = dir_;
    o.shrink_budget = 30;
    return o;
  }
  static std::string describe(const LoopResult& r) {
    std::string out;
    for (const auto& f : r.found) out += f.source.name + ": " + f.disagreement.what + ": model " + f.disagreement.model + ", kernel " + f.disagreement.kernel + "\n";
    for (const auto& e : r.errors) out += "error: " + e + "\n";
    return out;
  }
};

// A set whose auditctl -R stops after `-e 0` (so NixOS's closing `-e 1` never runs), then one
// whose load also stops early: auditing must be on again for the second (auditd's start enables
// it), or the kernel would record nothing the model predicts. Every reset in between is verified.
TEST_P(DifftestVmTest, SetsRunOneAfterTheOtherInOneGuestWithAVerifiedResetBetween) {
  const Arch arch = GetParam();
  std::vector<RuleSetSource> sets = {
      {"stig", {kStig, kStig32}, std::nullopt},
      {"disables", {"-e 0", "-a always,exit -F arch=b64 -S nosuchcall"}, std::nullopt},
      {"stops early", {kStig, kStig32, "-a always,exit -F arch=b64 -S nosuchcall"}, std::nullopt},
  };
  auto result = run_loop(sets, options(arch));
  EXPECT_TRUE(result.errors.empty()) << describe(result);
  EXPECT_EQ(result.rule_sets, 3U);
  EXPECT_EQ(result.inconclusive, 0U);
  EXPECT_GT(result.events, 3U * 60);
  EXPECT_TRUE(result.found.empty()) << describe(result);
}

INSTANTIATE_TEST_SUITE_P(BothArches, DifftestVmTest, ::testing::Values(Arch::x86_64, Arch::aarch64),
                         [](const auto& info) { return std::string(to_string(info.param)); });

// The acceptance's contrived model error: auid>=N read as auid>N. difftest finds it on the STIG's
// own rule (auid 1000 is recorded, the flipped model says not) and shrinks the set to that condition.
TEST_F(DifftestVmTest, AModelWithOneComparisonFlippedIsFoundAndShrunk) {
  auto o = options(Arch::x86_64);
  o.model = [](const rules::RuleSet& loaded, Arch arch, const check::Event& event) {
    auto flipped = loaded;
    for (auto& rule : flipped.rules)
      if (auto* body = std::get_if<rules::SyscallRule>(&rule.body))
        for (auto& field : body->fields)
          if (field.field == "auid" && field.op == rules::Op::ge) field.op = rules::Op::gt;
    return check::predict(flipped, arch, event);
  };
  std::vector<RuleSetSource> sets = {{"noisy stig", {"-w /etc/passwd -p wa -k passwd", kStig, "-a never,exit -F arch=b64 -S mount -k m"}, std::nullopt}};
  auto result = run_loop(sets, o);
  EXPECT_TRUE(result.errors.empty()) << describe(result);
  ASSERT_FALSE(result.found.empty());
  const auto& found = result.found.front();
  ASSERT_TRUE(found.disagreement.event);
  EXPECT_EQ(found.disagreement.event->auid, 1000U) << found.disagreement.what;
  EXPECT_EQ(found.disagreement.kernel, "recorded");
  // The watch, the never rule, the ABI, the other syscalls, auid!=unset and the key all went.
  EXPECT_EQ(found.shrunk, (Lines{"-a always,exit -S " + found.disagreement.event->syscall + " -F auid>=1000"})) << describe(result);
  // And the real model agrees with the kernel on the same set.
  o.model = kernel_model();
  auto real = run_loop(sets, o);
  EXPECT_TRUE(real.found.empty()) << describe(real);
}

// The long seeded run (label difftest; CI runs the short one, difftest_ci_test.cpp):
// `auditvm difftest --count 50 --seed 1` per arch, failing on errors and on any disagreement not
// yet listed in tests/difftest/known-disagreements.txt; every distinct one is kept as a fixture.
class DifftestCli : public test::TempDirTest, public ::testing::WithParamInterface<Arch> {
 protected:
  DifftestCli() : TempDirTest("difftest-cli") {}
};

TEST_P(DifftestCli, ASeededRunOf50SetsFindsNoDisagreementBeyondTheKnownOnes) {
  test::expect_seeded_run(std::string(to_string(GetParam())), dir_, {50, 1, false});
}

INSTANTIATE_TEST_SUITE_P(BothArches, DifftestCli, ::testing::Values(Arch::x86_64, Arch::aarch64),
                         [](const auto& info) { return std::string(to_string(info.param)); });

}  // namespace
}  // namespace auditvm::difftest
