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
    o.manifest = image::image_for_run(arch, build);  // this checkout's image (built when another's is current)
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

// What CI runs: `auditvm difftest --count 50 --seed 1` per arch. It fails on errors and on any
// disagreement not yet listed in tests/difftest/known-disagreements.txt; every distinct one is
// kept as a fixture.
class DifftestCli : public test::TempDirTest, public ::testing::WithParamInterface<Arch> {
 protected:
  DifftestCli() : TempDirTest("difftest-cli") {}
};

std::set<std::string> known_signatures() {
  std::set<std::string> out;
  for (const auto& line : rules::rule_lines(read_file(std::string(AUDITVM_SOURCE_ROOT) + "/tests/difftest/known-disagreements.txt"))) out.insert(line.text);
  return out;
}

TEST_P(DifftestCli, ASeededRunOf50SetsFindsNoDisagreementBeyondTheKnownOnes) {
  const std::string arch(to_string(GetParam()));
  // No shrinking here (the flipped-model test shrinks): CI time stays about a cell per set.
  auto run = run_process({AUDITVM_BINARY, "--quiet", "difftest", "--arch", arch, "--count", "50", "--seed", "1", "--shrink-budget", "0",
                          "--accel", "tcg", "--format", "json", "--keep", (dir_ / "keep").string(), "--report-dir", (dir_ / "reports").string()});
  ASSERT_TRUE(run.exit_code == 0 || run.exit_code == 1) << run.exit_code << "\n" << run.err << run.out;
  auto json = nlohmann::json::parse(run.out);
  EXPECT_EQ(json["arch"], arch);
  EXPECT_EQ(json["seed"], 1);
  EXPECT_EQ(json["rule_sets"], 50);
  EXPECT_GT(json["witness_events"].get<int>(), 50 * 20);
  EXPECT_TRUE(json["errors"].empty()) << json["errors"].dump(2);
  EXPECT_EQ(run.exit_code, json["disagreements"].empty() ? 0 : 1);
  const auto known = known_signatures();
  // An entry ending in '*' stands for every signature it begins (a class of refusals lint lacks).
  auto is_known = [&](const std::string& signature) {
    for (const auto& k : known)
      if (k == signature || (!k.empty() && k.back() == '*' && signature.rfind(k.substr(0, k.size() - 1), 0) == 0)) return true;
    return false;
  };
  std::size_t kept = 0;
  for (const auto& d : json["disagreements"]) {
    if (!d.contains("same_as")) ++kept;
    EXPECT_TRUE(is_known(d["signature"].get<std::string>())) << "a new disagreement (" << d["source"].get<std::string>() << "): " << d["signature"].get<std::string>()
                                                                << "\nminimal rule set:\n" << d["rules"].get<std::string>() << "model: " << d["model"].get<std::string>()
                                                                << "\nkernel: " << d["kernel"].get<std::string>();
  }
  std::size_t files = 0;
  if (std::filesystem::exists(dir_ / "keep"))
    for (const auto& entry : std::filesystem::directory_iterator(dir_ / "keep")) files += entry.path().extension() == ".rules";
  EXPECT_EQ(files, kept);
}

INSTANTIATE_TEST_SUITE_P(BothArches, DifftestCli, ::testing::Values(Arch::x86_64, Arch::aarch64),
                         [](const auto& info) { return std::string(to_string(info.param)); });

}  // namespace
}  // namespace auditvm::difftest
