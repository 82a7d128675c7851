#include <gtest/gtest.h>

#include "core/errors.hpp"
#include "rules/canonical.hpp"
#include "rules/parser.hpp"
#include "rules/syscall_table.hpp"
#include "support/semantics_fixture.hpp"

namespace auditvm::rules {
namespace {

const SyscallRule& only_syscall_rule(const RuleSet& set) {
  EXPECT_EQ(set.rules.size(), 1U);
  return *set.rules.at(0).syscall_rule();
}

TEST(SyscallTable, IsTheTableOfEachUserspace) {
  // audit 3.0.9's tables end at 450; 4.0.2 adds 451-462 (cachestat .. mseal), 4.2.1 463-471.
  for (Arch arch : all_arches())
    for (Abi abi : all_abis()) {
      EXPECT_EQ(syscall_number(arch, abi, "cachestat", Userspace::audit3), std::nullopt);
      EXPECT_EQ(syscall_number(arch, abi, "cachestat", Userspace::audit4), 451);
      EXPECT_EQ(syscall_number(arch, abi, "setxattrat", Userspace::audit4), std::nullopt);
      EXPECT_EQ(syscall_number(arch, abi, "setxattrat", Userspace::audit4_2), 463);
      EXPECT_EQ(syscall_name(arch, abi, 462, Userspace::audit3), std::nullopt);
      EXPECT_EQ(syscall_name(arch, abi, 462, Userspace::audit4), "mseal");
    }
  // 4.2.1's arm table also names three older numbers.
  EXPECT_EQ(syscall_number(Arch::aarch64, Abi::b32, "ppoll", Userspace::audit4), std::nullopt);
  EXPECT_EQ(syscall_number(Arch::aarch64, Abi::b32, "ppoll", Userspace::audit4_2), 336);
  // Without a userspace: every name any of them knows.
  EXPECT_EQ(syscall_number(Arch::x86_64, Abi::b64, "setxattrat"), 463);
}

TEST(SyscallTable, TheUserspaceOfAPackageVersion) {
  EXPECT_EQ(userspace_from_version("1:3.0.9-1"), Userspace::audit3);
  EXPECT_EQ(userspace_from_version("1:4.0.2-2+deb13u1"), Userspace::audit4);
  EXPECT_EQ(userspace_from_version("4.1.4"), Userspace::audit4);  // no 4.1 table measured: 4.0.2's, the older
  EXPECT_EQ(userspace_from_version("1:4.2.1-1"), Userspace::audit4_2);
  EXPECT_EQ(userspace_from_version("4.10.0"), Userspace::audit4_2);
  EXPECT_EQ(userspace_from_version("5.0"), std::nullopt);
  EXPECT_EQ(userspace_from_version("4"), std::nullopt);
}

TEST(SyscallTable, ComesFromLibauditForAllFourAbis) {
  EXPECT_EQ(syscall_number(Arch::x86_64, Abi::b64, "finit_module"), 313);
  EXPECT_EQ(syscall_number(Arch::x86_64, Abi::b32, "finit_module"), 350);
  EXPECT_EQ(syscall_number(Arch::aarch64, Abi::b64, "finit_module"), 273);
  EXPECT_EQ(syscall_number(Arch::aarch64, Abi::b32, "finit_module"), 379);
  EXPECT_EQ(syscall_number(Arch::aarch64, Abi::b64, "open"), std::nullopt);  // aarch64 has only openat
  EXPECT_EQ(syscall_name(Arch::x86_64, Abi::b32, 175), "rt_sigprocmask");
}

TEST(Parser, ReadsTheStigFixLine) {
  auto set = parse_rules("-a always,exit -F arch=b32 -S init_module,finit_module,delete_module -F auid>=1000 -F auid!=unset -k module_chng",
                         Arch::x86_64, "t");
  const auto& rule = only_syscall_rule(set);
  EXPECT_EQ(rule.action, Action::always);
  EXPECT_EQ(rule.list, List::exit);
  EXPECT_EQ(rule.abi, Abi::b32);
  EXPECT_EQ(rule.syscalls, (std::vector<int>{128, 129, 350}));
  ASSERT_EQ(rule.fields.size(), 2U);
  EXPECT_EQ(rule.fields[1].number, 4294967295LL);  // unset normalised
  EXPECT_EQ(rule.keys, std::vector<std::string>{"module_chng"});
}

TEST(Parser, ListActionInEitherOrderRepeatedSyscallsAndNumbers) {
  auto a = parse_rules("-a exit,always -F arch=b64 -S init_module -S 313,delete_module", Arch::x86_64, "t");
  EXPECT_EQ(only_syscall_rule(a).syscalls, (std::vector<int>{175, 176, 313}));
  auto all = parse_rules("-a always,exit -F arch=b64 -S all", Arch::x86_64, "t");
  EXPECT_TRUE(only_syscall_rule(all).all_syscalls);
}

TEST(Parser, NormalisesUnsetMinusOneAnd4294967295Alike) {
  for (const char* spelling : {"unset", "-1", "4294967295"}) {
    auto set = parse_rules(std::string("-a always,exit -S init_module -F auid!=") + spelling, Arch::x86_64, "t");
    EXPECT_EQ(only_syscall_rule(set).fields[0].number, 4294967295LL) << spelling;
    EXPECT_EQ(only_syscall_rule(set).fields[0].value, "-1") << spelling;
  }
}

TEST(Parser, ReadsWhatAuditctlListPrints) {
  auto set = parse_rules(
      "-a always,exit -F arch=b64 -S init_module,delete_module,finit_module -F auid>=1000 -F auid!=-1 -F key=module_chng\n"
      "-w /etc/passwd -p wa -k identity\n",
      Arch::x86_64, "auditctl -l");
  ASSERT_EQ(set.rules.size(), 2U);
  EXPECT_EQ(set.rules[0].syscall_rule()->keys, std::vector<std::string>{"module_chng"});
  EXPECT_EQ(set.rules[1].watch_rule()->path, "/etc/passwd");
  EXPECT_TRUE(parse_rules("No rules\n", Arch::x86_64, "t").rules.empty());
}

// One answer to "which lines are rules" for check, lint and reproduce (they used to disagree on
// auditctl's "No rules").
TEST(RuleLines, SkipBlankLinesCommentsAndAuditctlsNoRulesKeepingLineNumbers) {
  auto lines = rule_lines("# header\n\n  No rules  \n\t-D\r\n   # indented comment\n-b 8192\n");
  ASSERT_EQ(lines.size(), 2U);
  EXPECT_EQ(lines[0].number, 4);
  EXPECT_EQ(lines[0].text, "-D");
  EXPECT_EQ(lines[1].number, 6);
  EXPECT_EQ(numbered_lines("a\n\n#c\n").size(), 3U);  // every line: auditctl -R's error names any of them
}

TEST(Parser, AcceptsControlLinesComparisonsAndAllOperators) {
  auto set = parse_rules("-D\n-b 8192\n-f 1\n-r 0\n-e 2\n--loginuid-immutable\n"
                         "-a always,exit -F arch=b64 -S execve -C uid!=euid -F euid=0 -k execpriv\n"
                         "-a always,exit -F arch=b64 -S openat -F exit=-EACCES -F a2&0100 -F a1&=3 -F auid<=5 -F uid>3 -F gid<9\n",
                         Arch::x86_64, "t");
  EXPECT_EQ(set.rules.size(), 8U);
  EXPECT_EQ(set.rules[0].control()->option, "-D");
  EXPECT_EQ(set.rules[6].syscall_rule()->comparisons.size(), 1U);
  EXPECT_EQ(set.rules[7].syscall_rule()->fields[0].number, 4294967283U);  // -13 as the kernel's u32
}

TEST(Parser, ErrorsNameSourceLineAndToken) {
  auto expect_error = [](const std::string& text, Arch arch, int line, const std::string& token) {
    try {
      parse_rules(text, arch, "rules.txt");
      FAIL() << "no error for " << text;
    } catch (const InputError& e) {
      EXPECT_EQ(e.where().file, "rules.txt");
      EXPECT_EQ(e.where().line, line) << e.what();
      EXPECT_EQ(e.where().field, token) << e.what();
    }
  };
  expect_error("-a always,exot -S open", Arch::x86_64, 1, "always,exot");
  expect_error("# comment\n-a always,exit -F arch=b64 -S open", Arch::aarch64, 2, "open");
  expect_error("-a always,exit -S init_module -F auid=>1000", Arch::x86_64, 1, "auid=>1000");
  expect_error("-a always,exit -S init_module -F colour=red", Arch::x86_64, 1, "colour");
  expect_error("-a always,exit -S nosuchcall", Arch::x86_64, 1, "nosuchcall");
  // auditctl takes syscall numbers below 2048 (its 64-word bitmask); std::stoi used to throw here.
  expect_error("-a always,exit -F arch=b64 -S 99999999999", Arch::x86_64, 1, "99999999999");
  expect_error("-a always,exit -F arch=b64 -S 2048", Arch::x86_64, 1, "2048");
  // A NUL byte (a rules file, or "\u0000" in a JSON configuration) would cut auditctl's line short.
  expect_error(std::string("-D\n-a always,exit -S init_module -k a\0b\n", 40), Arch::x86_64, 2, "a\\0b");
}

std::optional<std::uint32_t> value_of(const std::string& condition, Dialect dialect = Dialect::auditctl) {
  auto rule = parse_rule_line("-a always,exit -F arch=b64 -S finit_module -F " + condition, Arch::x86_64, "t", 1, dialect);
  return rule.syscall_rule()->fields.at(0).number;
}

// Rule values are the kernel's __u32, read as libaudit reads them: strtol/strtoul (saturating),
// then truncated to 32 bits.
TEST(Values, AreTheU32TheKernelStores) {
  EXPECT_EQ(value_of("exit=-13"), 4294967283U);
  EXPECT_EQ(value_of("exit=-EACCES"), 4294967283U);
  EXPECT_EQ(value_of("exit=EPERM"), 1U);
  EXPECT_EQ(value_of("exit>9223372036854775807"), 4294967295U);   // LONG_MAX, truncated
  EXPECT_EQ(value_of("exit>99999999999999999999"), 4294967295U);  // strtol saturates at LONG_MAX
  EXPECT_EQ(value_of("exit<-9223372036854775808"), 0U);           // LONG_MIN, truncated
  EXPECT_EQ(value_of("auid>=0x3e8"), 1000U);
  EXPECT_EQ(value_of("uid>=4294967294"), 4294967294U);
  EXPECT_EQ(value_of("success=1"), 1U);
}

// auditctl -l prints values with %d: 4294967294 comes back as -2, and must read as 4294967294.
TEST(Values, NegativeFormsAuditctlListPrintsAreTheirU32) {
  EXPECT_EQ(value_of("auid<=-2"), 4294967294U);
  EXPECT_EQ(value_of("euid>=-2147483648"), 2147483648U);
  EXPECT_EQ(value_of("gid<=-2", Dialect::listing), 4294967294U);
  EXPECT_EQ(value_of("pid<=-2", Dialect::listing), 4294967294U);
  auto listed = parse_rules("-a always,exit -F arch=b64 -S finit_module -F auid>=1000 -F auid<=-2 -F gid!=-3 -F key=k\n",
                            Arch::x86_64, "auditctl -l");
  EXPECT_EQ(canonical_text(listed.rules[0], Arch::x86_64),
            "-a always,exit -F arch=b64 -S finit_module -F auid>=1000 -F auid<=-2 -F gid!=-3 -F key=k");
  auto exits = parse_rules("-a always,exit -F arch=b64 -S finit_module -F exit!=-13 -F exit>=-2147483648 -F exit<2147483648\n",
                           Arch::x86_64, "auditctl -l");
  EXPECT_EQ(canonical_text(exits.rules[0], Arch::x86_64),
            "-a always,exit -F arch=b64 -S finit_module -F exit!=-EACCES -F exit>=-2147483648 -F exit<-2147483648");
}

// As auditctl -l printed the STIG's path and watch rules in the guests (both arches, 3.0.9 and
// 4.0.2): perm= where it was given among the fields, a watch's trailing '/' trimmed.
TEST(Canonical, PathRulesAndWatchesAsAuditctlListsThem) {
  auto set = parse_rules("-a always,exit -S all -F path=/run/current-system/sw/bin/usermod -F perm=x -F auid>=1000 -F auid!=unset -k u\n"
                         "-w /var/cron/tabs/ -p wa -k services\n",
                         Arch::x86_64, "rules");
  EXPECT_EQ(canonical_text(set.rules[0], Arch::x86_64),
            "-a always,exit -S all -F path=/run/current-system/sw/bin/usermod -F perm=x -F auid>=1000 -F auid!=-1 -F key=u");
  EXPECT_EQ(canonical_text(set.rules[1], Arch::x86_64), "-w /var/cron/tabs -p wa -k services");
}

TEST(Values, WhatAuditctlOrTheKernelRefusesIsAnErrorNamingTheToken) {
  auto refused = [](const std::string& condition, const std::string& message) {
    try {
      value_of(condition);
      ADD_FAILURE() << condition << " accepted";
    } catch (const InputError& e) {
      EXPECT_EQ(e.where().field, condition);
      EXPECT_NE(e.detail().find(message), std::string::npos) << condition << ": " << e.detail();
    }
  };
  refused("exit=--9223372036854775808", "unknown errno");
  refused("exit=-ENOSUCH", "unknown errno");
  refused("auid>=1000abc", "should be number");
  refused("gid<=-2", "Unknown group: -2");  // auditctl -R: no group named -2
  refused("success=yes", "should be number for success");
  refused("uid=-1", "Invalid argument");     // the kernel: -1 is no valid uid
  refused("auid>=-1", "Invalid argument");   // auid -1 means "unset": only = and !=
  refused("exit&4", "Invalid argument");     // bit operators only on a0..a3
  EXPECT_EQ(value_of("auid!=-1"), 4294967295U);
}

// auditctl 3.0.9's own checks of control values (and the kernel's bound on backlog_wait_time:
// 10 * 60 * HZ jiffies, HZ=250 in Debian's kernels).
TEST(Parser, ControlValuesAuditctlRefusesAreErrors) {
  for (const char* line : {"-f 7", "-f 01", "-e 5", "-e x", "-b -1", "-b abc", "-r abc", "-r -5", "--backlog_wait_time 150001",
                           "--backlog_wait_time -1", "-b 99999999999999999999"}) {
    EXPECT_THROW(parse_rule_line(line, Arch::x86_64, "t", 1, Dialect::auditctl), InputError) << line;
  }
  for (const char* line : {"-f 0", "-f 2", "-e 0", "-e 2", "-b 8192", "-b 0", "-r 0", "-r 100", "--backlog_wait_time 0",
                           "--backlog_wait_time 150000", "--backlog_wait_time 60000"})
    EXPECT_NO_THROW(parse_rule_line(line, Arch::x86_64, "t", 1, Dialect::auditctl)) << line;
  try {
    parse_rule_line("-f 7", Arch::x86_64, "t", 3);
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().line, 3);
    EXPECT_EQ(e.where().field, "7");
    EXPECT_EQ(e.detail(), "Failure must be 0, 1, or 2 was 7");
  }
}

TEST(Canonical, MatchesAuditctlListOutput) {
  auto set = parse_rules("-a always,exit -F arch=b64 -S finit_module,init_module,delete_module -F auid>=1000 -F auid!=unset -k module_chng",
                         Arch::x86_64, "t");
  EXPECT_EQ(canonical_text(set.rules[0], Arch::x86_64),
            "-a always,exit -F arch=b64 -S init_module,delete_module,finit_module -F auid>=1000 -F auid!=-1 -F key=module_chng");
}

}  // namespace
}  // namespace auditvm::rules

namespace auditvm::rules {
namespace {

std::string refusal(const std::string& line) {
  try {
    parse_rule_line(line, Arch::x86_64, "t", 1, Dialect::auditctl);
  } catch (const InputError& e) {
    return e.detail();
  }
  return "";
}

// Measured with auditctl 3.0.9 and 4.0.2 (README, "Kernel semantics, as measured"): which fields,
// keys, -S and -C each list takes, with auditctl's words.
TEST(Parser, EachListTakesTheFieldsAuditctlTakesThere) {
  for (const auto& [line, words] : test::list_field_lines()) EXPECT_EQ(refusal(line), words) << line;
}

// auditctl -l keeps the machine of the last rule with an arch field while it prints the next ones
// (measured: bookworm's 3.0.9 listed b64 delete_module, 176, as i386's rt_sigpending after an
// arch=b32 rule). A listing is read back that way; a rules file is not.
TEST(Listing, ReadsAnArchlessRuleAfterAB32OneInTheB32Table) {
  const std::string text =
      "-a never,exit -F arch=b32 -S delete_module\n"
      "-a always,exit -S rt_sigpending\n"
      "-a always,exit -F arch=b64 -S init_module\n"
      "-a always,exit -S delete_module\n";
  auto listed = parse_listing(text, Arch::x86_64, "auditctl -l");
  ASSERT_EQ(listed.rules.size(), 4U);
  EXPECT_EQ(listed.rules[1].syscall_rule()->syscalls, std::vector<int>{176});
  EXPECT_EQ(listed.rules[1].listed_in, Abi::b32);
  EXPECT_EQ(listed.rules[3].syscall_rule()->syscalls, std::vector<int>{176});  // arch=b64 set the native table again
  EXPECT_EQ(listed.rules[3].listed_in, std::nullopt);
  auto file = parse_rules(text, Arch::x86_64, "rules");
  EXPECT_EQ(file.rules[1].syscall_rule()->syscalls, std::vector<int>{*syscall_number(Arch::x86_64, Abi::b64, "rt_sigpending")});
  EXPECT_EQ(file.rules[1].listed_in, std::nullopt);
}

TEST(Listing, WatchesAndRulesWithoutSyscallsKeepTheTable) {
  auto listed = parse_listing("-a always,exit -F arch=b32 -S init_module\n-w /etc/passwd -p wa -k p\n-a always,exit -S all\n"
                              "-a always,exit -S rt_sigprocmask\n",
                              Arch::x86_64, "auditctl -l");
  EXPECT_EQ(listed.rules[2].listed_in, std::nullopt);  // -S all has no names
  EXPECT_EQ(listed.rules[3].syscall_rule()->syscalls, std::vector<int>{175});  // i386 rt_sigprocmask = b64 init_module
}

// The listing auditvm predicts after a load and the one it reads back are one convention, on both
// arches (aarch64's b32 table is arm's: names the aarch64 table lacks, which a listing must parse).
TEST(Listing, PredictedLinesReadBackToTheSameRules) {
  for (Arch arch : {Arch::x86_64, Arch::aarch64}) {
    auto loaded = parse_rules("-a never,exit -F arch=b32 -S delete_module\n-a always,exit -S init_module,finit_module,delete_module -F auid>=1000\n"
                              "-a always,exit -F arch!=b32 -S finit_module\n-a always,exit -S finit_module\n",
                              arch, "rules");
    std::vector<const Rule*> rules;
    for (const auto& r : loaded.rules) rules.push_back(&r);
    auto lines = listing_lines(rules, arch);
    std::string text;
    for (const auto& line : lines) text += line + "\n";
    EXPECT_EQ(lines[1].find("init_module"), std::string::npos) << lines[1];  // printed in the b32 table
    auto listed = parse_listing(text, arch, "auditctl -l");
    ASSERT_EQ(listed.rules.size(), loaded.rules.size()) << text;
    for (size_t i = 0; i < loaded.rules.size(); ++i)
      EXPECT_EQ(canonical_text(listed.rules[i], arch), canonical_text(loaded.rules[i], arch)) << to_string(arch) << " line " << i + 1 << ": " << lines[i];
    EXPECT_EQ(listed.rules[1].listed_in, Abi::b32);
    EXPECT_EQ(listed.rules[3].listed_in, Abi::b32);  // arch!=b32 sets the b32 table too
  }
}

}  // namespace
}  // namespace auditvm::rules
