#include <gtest/gtest.h>

#include "check/coverage.hpp"
#include "check_on.hpp"
#include "rules/parser.hpp"

namespace auditvm::check {
namespace {

const std::string kB32 = "-a always,exit -F arch=b32 -S init_module,finit_module,delete_module -F auid>=1000 -F auid!=unset -k module_chng\n";
const std::string kB64 = "-a always,exit -F arch=b64 -S init_module,finit_module,delete_module -F auid>=1000 -F auid!=unset -k module_chng\n";

using auditvm::test::check;
using auditvm::test::uncovered_text;

Prediction finit_b64(const std::string& rules, std::int64_t exit_code, std::uint32_t auid = 1000) {
  Event event{Abi::b64, "finit_module", auid, 0, 0, 0, exit_code >= 0, exit_code};
  return predict(rules::parse_rules(rules, Arch::x86_64, "t"), Arch::x86_64, event);
}

// The kernel compares exit as u32 (audit_comparator(u32, op, u32) with the long return code
// truncated): a bound past the u32 range matches nothing, exit<0 never matches.
TEST(Coverage, ExitIsComparedAsTheKernelsU32) {
  const std::string b32 = kB32;
  EXPECT_EQ(check(b32 + "-a always,exit -F arch=b64 -S init_module,finit_module,delete_module -F exit>9223372036854775807 -F auid>=1000 -F auid!=unset\n").verdict,
            Verdict::Open);
  const std::string below_zero = "-a always,exit -F arch=b64 -S finit_module -F exit<0 -F auid>=1000\n";
  EXPECT_FALSE(finit_b64(below_zero, -1).recorded());
  EXPECT_FALSE(finit_b64(below_zero, -13).recorded());
  EXPECT_FALSE(finit_b64(below_zero, 0).recorded());
  const std::string eacces = "-a always,exit -F arch=b64 -S finit_module -F exit=-13 -F auid>=1000\n";
  EXPECT_TRUE(finit_b64(eacces, -13).recorded());
  EXPECT_FALSE(finit_b64(eacces, -1).recorded());
  // exit>=0 holds for every u32: failures too.
  EXPECT_TRUE(finit_b64("-a always,exit -F arch=b64 -S finit_module -F exit>=0\n", -1).recorded());
  // The STIG's failures as exits: 'failure with exit -13 (EACCES)' names the return code.
  auto result = check(b32 + "-a always,exit -F arch=b64 -S init_module,finit_module,delete_module -F exit!=-13 -F auid>=1000 -F auid!=unset\n");
  EXPECT_NE(uncovered_text(result).find("failure with exit -13 (EACCES)"), std::string::npos) << uncovered_text(result);
}

// success=N: the kernel compares return_valid (1 success, 2 failure) with 1 when N is nonzero, else 2.
TEST(Coverage, SuccessIsComparedAsTheKernelsReturnValid) {
  EXPECT_TRUE(finit_b64("-a always,exit -F arch=b64 -S finit_module -F success!=1\n", -1).recorded());
  EXPECT_FALSE(finit_b64("-a always,exit -F arch=b64 -S finit_module -F success!=1\n", 0).recorded());
  EXPECT_TRUE(finit_b64("-a always,exit -F arch=b64 -S finit_module -F success=7\n", 0).recorded());
  EXPECT_FALSE(finit_b64("-a always,exit -F arch=b64 -S finit_module -F success>0\n", 0).recorded());  // 1 > 2 is false
  EXPECT_FALSE(finit_b64("-a always,exit -F arch=b64 -S finit_module -F success>0\n", -1).recorded());
}

TEST(Coverage, TheStigFixIsNotAFindingOnBothArches) {
  for (Arch arch : all_arches()) {
    auto result = check(kB32 + kB64, arch);
    EXPECT_EQ(result.verdict, Verdict::NotAFinding) << uncovered_text(result);
    EXPECT_TRUE(result.literal_match);
    EXPECT_TRUE(result.grep_match);
  }
}

TEST(Coverage, WhatAuditctlReallyPrintsIsNotAFinding) {  // guest-facts.md
  auto result = check(
      "-a always,exit -F arch=b32 -S init_module,delete_module,finit_module -F auid>=1000 -F auid!=-1 -F key=module_chng\n"
      "-a always,exit -F arch=b64 -S init_module,delete_module,finit_module -F auid>=1000 -F auid!=-1 -F key=module_chng\n");
  EXPECT_EQ(result.verdict, Verdict::NotAFinding);
  EXPECT_TRUE(result.literal_match);
}

TEST(Coverage, B64OnlyLeavesB32Uncovered) {
  auto result = check(kB64);
  EXPECT_EQ(result.verdict, Verdict::Open);
  EXPECT_EQ(uncovered_text(result), "b32 init_module, finit_module, delete_module, auid 1000..4294967294, success and failure: no rule\n");
}

TEST(Coverage, RuleWithoutArchMatchesNativeNumbersSoB32IsNotCovered) {
  auto result = check("-a always,exit -S init_module,finit_module,delete_module -F auid>=1000 -F auid!=unset\n");
  EXPECT_EQ(result.verdict, Verdict::Open);
  ASSERT_EQ(result.uncovered.size(), 1U);
  EXPECT_EQ(result.uncovered[0].abi, Abi::b32);
}

TEST(Coverage, NeverRuleBeforeTheAlwaysRulesOpensAHoleTheGrepMisses) {
  auto result = check("-a never,exit -F arch=b64 -S finit_module\n" + kB32 + kB64);
  EXPECT_EQ(result.verdict, Verdict::Open);
  EXPECT_TRUE(result.grep_match);
  EXPECT_TRUE(result.literal_match);
  EXPECT_EQ(uncovered_text(result), "b64 finit_module, auid 1000..4294967294, success and failure: suppressed by never rule on line 1\n");
  // After the always rules it is harmless: first match decides.
  EXPECT_EQ(check(kB32 + kB64 + "-a never,exit -F arch=b64 -S finit_module\n").verdict, Verdict::NotAFinding);
}

TEST(Coverage, FieldConditionsNarrowCoverage) {
  auto uid = check("-a always,exit -F arch=b32 -S init_module,finit_module,delete_module -F uid>=1000\n"
                   "-a always,exit -F arch=b64 -S init_module,finit_module,delete_module -F uid>=1000\n");
  EXPECT_EQ(uid.verdict, Verdict::Open);
  EXPECT_NE(uncovered_text(uid).find("uid 0..999"), std::string::npos) << uncovered_text(uid);
  auto success = check("-a always,exit -F arch=b32 -S init_module,finit_module,delete_module -F success=1\n"
                       "-a always,exit -F arch=b64 -S init_module,finit_module,delete_module -F success=1\n");
  EXPECT_NE(uncovered_text(success).find(", failure: no rule"), std::string::npos) << uncovered_text(success);
  auto one_user = check("-a always,exit -F arch=b32 -S init_module,finit_module,delete_module -F auid!=1005\n"
                        "-a always,exit -F arch=b64 -S init_module,finit_module,delete_module -F auid!=1005\n");
  EXPECT_NE(uncovered_text(one_user).find("auid 1005,"), std::string::npos) << uncovered_text(one_user);
}

TEST(Coverage, ExcludeSyscallRecordsDropsEverything) {
  auto result = check(kB32 + kB64 + "-a always,exclude -F msgtype=SYSCALL\n");
  EXPECT_EQ(result.verdict, Verdict::Open);
  EXPECT_NE(uncovered_text(result).find("dropped by exclude rule on line 3"), std::string::npos);
}

TEST(Coverage, UndecidableConditionsNeverClaimCoverage) {
  auto result = check("-a always,exit -F arch=b32 -S init_module,finit_module,delete_module -F auid>=1000 -F pid=5\n"
                      "-a always,exit -F arch=b64 -S init_module,finit_module,delete_module -F auid>=1000 -F pid=5\n");
  EXPECT_EQ(result.verdict, Verdict::Open);
  EXPECT_NE(uncovered_text(result).find("cannot prove coverage"), std::string::npos) << uncovered_text(result);
}

TEST(Coverage, BroaderRulesAreStillCompliant) {
  EXPECT_EQ(check("-a always,exit -F arch=b32 -S all\n-a always,exit -F arch=b64 -S all\n").verdict, Verdict::NotAFinding);
  std::string split;
  for (const char* abi : {"b32", "b64"})
    for (const char* call : {"init_module", "finit_module", "delete_module"})
      split += std::string("-a always,exit -F arch=") + abi + " -S " + call + " -F auid>=1000 -F auid!=unset -k other\n";
  auto result = check(split);
  EXPECT_EQ(result.verdict, Verdict::NotAFinding);
  EXPECT_FALSE(result.literal_match);  // not the check text's lines, yet compliant
}

TEST(Coverage, DeleteAllAndDisableAreHonoured) {
  EXPECT_EQ(check(kB32 + kB64 + "-D\n").verdict, Verdict::Open);
  EXPECT_EQ(check(kB32 + kB64 + "-e 0\n").verdict, Verdict::Open);
}

TEST(Predict, SingleCallsFollowFirstMatch) {
  auto rules = rules::parse_rules(kB32 + kB64, Arch::aarch64, "t");
  EXPECT_TRUE(predict(rules, Arch::aarch64, {Abi::b32, "finit_module", 1000, 0, 0, 0, true, 0}).recorded());
  EXPECT_EQ(predict(rules, Arch::aarch64, {Abi::b32, "finit_module", 1000, 0, 0, 0, true, 0}).key, "module_chng");
  EXPECT_FALSE(predict(rules, Arch::aarch64, {Abi::b64, "init_module", 999, 999, 999, 999, false, -1}).recorded());
  EXPECT_FALSE(predict(rules, Arch::aarch64, {Abi::b64, "init_module", rules::kUnsetId, 0, 0, 0, true, 0}).recorded());
  EXPECT_TRUE(predict(rules, Arch::aarch64, {Abi::b64, "delete_module", 65534, 65534, 65534, 65534, false, -1}).recorded());
}

}  // namespace
}  // namespace auditvm::check
