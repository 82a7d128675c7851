#include <gtest/gtest.h>

#include "core/errors.hpp"
#include "rules/canonical.hpp"
#include "rules/parser.hpp"
#include "rules/syscall_table.hpp"

namespace auditvm::rules {
namespace {

const SyscallRule& only_syscall_rule(const RuleSet& set) {
  EXPECT_EQ(set.rules.size(), 1U);
  return *set.rules.at(0).syscall_rule();
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
  EXPECT_EQ(set.rules[7].syscall_rule()->fields[0].number, -13);
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
}

TEST(Canonical, MatchesAuditctlListOutput) {
  auto set = parse_rules("-a always,exit -F arch=b64 -S finit_module,init_module,delete_module -F auid>=1000 -F auid!=unset -k module_chng",
                         Arch::x86_64, "t");
  EXPECT_EQ(canonical_text(set.rules[0], Arch::x86_64),
            "-a always,exit -F arch=b64 -S init_module,delete_module,finit_module -F auid>=1000 -F auid!=-1 -F key=module_chng");
}

}  // namespace
}  // namespace auditvm::rules
