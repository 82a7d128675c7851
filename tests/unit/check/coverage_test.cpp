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

namespace auditvm::check {
namespace {

// V-268091: execve by a process whose uid is not its euid 0 (a setuid-root program run by a user)
// or whose gid is not its egid 0 (setgid-root). The required set is id ranges (euid 0, uid 1..;
// egid 0, gid 1..), the -C comparisons are split exactly where -F euid=0 pins one side.
const std::string kExecPriv =
    "-a always,exit -F arch=b64 -S execve -C uid!=euid -F euid=0 -k execpriv\n"
    "-a always,exit -F arch=b32 -S execve -C uid!=euid -F euid=0 -k execpriv\n"
    "-a always,exit -F arch=b32 -S execve -C gid!=egid -F egid=0 -k execpriv\n"
    "-a always,exit -F arch=b64 -S execve -C gid!=egid -F egid=0 -k execpriv\n";

Event exec_as(Abi abi, std::uint32_t uid, std::uint32_t euid, std::uint32_t gid, std::optional<std::uint32_t> egid, bool success = true) {
  Event e{abi, "execve", 1000, uid, euid, gid, success, success ? 0 : -2};
  e.egid = egid;
  return e;
}

TEST(Coverage, V268091sLinesRecordEveryPrivilegedExecAndNothingElse) {
  const auto stig = find_stig_rule("V-268091");
  for (Arch arch : {Arch::x86_64, Arch::aarch64}) {
    auto loaded = rules::parse_rules(kExecPriv, arch, "t");
    EXPECT_EQ(evaluate(loaded, arch, stig).verdict, Verdict::NotAFinding) << to_string(arch);
    for (Abi abi : {Abi::b32, Abi::b64}) {
      EXPECT_TRUE(predict(loaded, arch, exec_as(abi, 1000, 0, 1000, std::nullopt)).recorded());       // setuid root
      EXPECT_TRUE(predict(loaded, arch, exec_as(abi, 1000, 0, 1000, std::nullopt, false)).recorded());  // failed, as such a process
      EXPECT_TRUE(predict(loaded, arch, exec_as(abi, 1000, 1000, 1000, 0)).recorded());               // setgid root
      EXPECT_FALSE(predict(loaded, arch, exec_as(abi, 1000, 1000, 1000, std::nullopt)).recorded());   // a plain exec
      EXPECT_FALSE(predict(loaded, arch, exec_as(abi, 0, 0, 0, std::nullopt)).recorded());            // root's own
      EXPECT_FALSE(predict(loaded, arch, exec_as(abi, 1000, 2000, 1000, 3000)).recorded());           // not to root
    }
    Event plain = exec_as(Abi::b64, 1000, 1000, 1000, std::nullopt);
    EXPECT_FALSE(in_required_set(stig, plain));
    EXPECT_TRUE(in_required_set(stig, exec_as(Abi::b64, 1000, 0, 1000, std::nullopt)));
    EXPECT_TRUE(in_required_set(stig, exec_as(Abi::b32, 5, 5, 7, 0)));
  }
}

TEST(Coverage, V268091WithoutTheGidPairIsOpenForSetgidExecsOnly) {
  const auto stig = find_stig_rule("V-268091");
  std::string uid_only;
  for (std::size_t pos = 0, next; (next = kExecPriv.find('\n', pos)) != std::string::npos; pos = next + 1)
    if (kExecPriv.compare(pos, next - pos, "-C uid") != 0 && kExecPriv.substr(pos, next - pos).find("uid!=euid") != std::string::npos)
      uid_only += kExecPriv.substr(pos, next + 1 - pos);
  auto result = evaluate(rules::parse_rules(uid_only, Arch::x86_64, "t"), Arch::x86_64, stig);
  EXPECT_EQ(result.verdict, Verdict::Open);
  ASSERT_FALSE(result.uncovered.empty());
  for (const auto& group : result.uncovered) {
    EXPECT_NE(group.text().find("egid 0"), std::string::npos) << group.text();  // only the setgid half is left out
  }
  // b64 only: every b32 privileged exec is uncovered.
  auto b64 = evaluate(rules::parse_rules("-a always,exit -F arch=b64 -S execve -C uid!=euid -F euid=0\n-a always,exit -F arch=b64 -S execve -C gid!=egid -F egid=0\n",
                                         Arch::aarch64, "t"),
                      Arch::aarch64, stig);
  EXPECT_EQ(b64.verdict, Verdict::Open);
  for (const auto& group : b64.uncovered) EXPECT_EQ(group.abi, Abi::b32) << group.text();
}

}  // namespace
}  // namespace auditvm::check
