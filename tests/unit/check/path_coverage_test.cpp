// The watch and path rules of the STIG (V-268097, V-268164..167) judged from loaded rules: the STIG's
// own lines, as written and as `auditctl -l` lists them, and the typical mistakes.
#include <gtest/gtest.h>

#include "check/path_coverage.hpp"
#include "rules/parser.hpp"

namespace auditvm::check {
namespace {

std::string lines_of(const StigRule& stig) {
  std::string text;
  for (const auto& line : stig.literal_rules) text += line + "\n";
  return text;
}

CheckResult judge(const std::string& text, const std::string& group, Arch arch = Arch::x86_64, bool listing = false) {
  auto rules = listing ? rules::parse_listing(text, arch, "auditctl -l") : rules::parse_rules(text, arch, "rules");
  return evaluate(rules, arch, find_stig_rule(group));
}

// The uncovered groups as text, for messages and searches.
std::string uncovered(const CheckResult& result) {
  std::string out;
  for (const auto& group : result.uncovered) out += group.text() + "\n";
  return out;
}

TEST(PathCoverage, TheStigsOwnLinesAreNotAFindingOnBothArches) {
  for (const char* group : {"V-268097", "V-268164", "V-268165", "V-268166", "V-268167"})
    for (Arch arch : all_arches()) {
      auto result = judge(lines_of(find_stig_rule(group)), group, arch);
      EXPECT_EQ(result.verdict, Verdict::NotAFinding) << group << " " << to_string(arch) << "\n" << uncovered(result);
      EXPECT_TRUE(result.literal_match) << group;
    }
}

// As auditctl -l shows them: the trailing '/' gone, unset as -1, -k as -F key= on exit rules.
TEST(PathCoverage, TheStigsLinesAsAuditctlListsThemAreNotAFinding) {
  const std::string listing =
      "-w /var/cron/tabs -p wa -k services\n-w /var/cron/cron.allow -p wa -k services\n-w /var/cron/cron.deny -p wa -k services\n"
      "-a always,exit -S all -F path=/run/current-system/sw/bin/usermod -F perm=x -F auid>=1000 -F auid!=-1 -F key=privileged-usermod\n"
      "-a always,exit -S all -F path=/run/current-system/sw/bin/chage -F perm=x -F auid>=1000 -F auid!=-1 -F key=privileged-chage\n"
      "-a always,exit -S all -F path=/run/current-system/sw/bin/chcon -F perm=x -F auid>=1000 -F auid!=-1 -F key=perm_mod\n"
      "-w /var/log/lastlog -p wa -k logins\n"
      "-w /etc/sudoers -p wa -k identity\n-w /etc/passwd -p wa -k identity\n-w /etc/shadow -p wa -k identity\n"
      "-w /etc/gshadow -p wa -k identity\n-w /etc/group -p wa -k identity\n-w /etc/security/opasswd -p wa -k identity\n";
  for (const char* group : {"V-268097", "V-268164", "V-268165", "V-268166", "V-268167"})
    for (Arch arch : all_arches()) {
      auto result = judge(listing, group, arch, true);
      EXPECT_EQ(result.verdict, Verdict::NotAFinding) << group << "\n" << uncovered(result);
      EXPECT_TRUE(result.literal_match) << group;
    }
}

// The exit-rule forms of a watch (path= for a file, dir= for a tree) record the same accesses.
TEST(PathCoverage, ExitRuleFormsOfAWatchCover) {
  EXPECT_EQ(judge("-a always,exit -F path=/var/log/lastlog -F perm=wa -k logins\n", "V-268166").verdict, Verdict::NotAFinding);
  EXPECT_EQ(judge("-a always,exit -F dir=/var/cron/tabs -F perm=wa -k s\n-w /var/cron/cron.allow -p wa\n-w /var/cron/cron.deny -p wa\n", "V-268097").verdict,
            Verdict::NotAFinding);
  // A watch on the whole directory (a tree) covers the files in it; no -p is every access.
  EXPECT_EQ(judge("-w /var/cron/ -k services\n", "V-268097").verdict, Verdict::NotAFinding);
}

TEST(PathCoverage, AMissingPermIsOpenNamingTheAccess) {
  auto result = judge("-w /var/log/lastlog -p w -k logins\n", "V-268166");
  EXPECT_EQ(result.verdict, Verdict::Open);
  const std::string text = uncovered(result);
  EXPECT_NE(text.find("attr /var/log/lastlog"), std::string::npos) << text;
  EXPECT_EQ(text.find("write /var/log/lastlog"), std::string::npos) << text;
  EXPECT_NE(text.find("auid 0..4294967295"), std::string::npos) << text;
}

TEST(PathCoverage, AWrongPathIsOpenNamingTheMissingOne) {
  std::string fix = lines_of(find_stig_rule("V-268167"));
  fix.replace(fix.find("/etc/gshadow"), 12, "/etc/gshadow-");  // the backup file, not the file
  auto result = judge(fix, "V-268167");
  EXPECT_EQ(result.verdict, Verdict::Open);
  const std::string text = uncovered(result);
  EXPECT_NE(text.find("write /etc/gshadow, attr /etc/gshadow"), std::string::npos) << text;
  EXPECT_EQ(text.find("/etc/passwd"), std::string::npos) << text;
  EXPECT_FALSE(result.literal_match);
}

TEST(PathCoverage, ADirectoryTypoIsOpen) {
  auto result = judge("-w /var/cron/tab/ -p wa -k services\n-w /var/cron/cron.allow -p wa -k services\n-w /var/cron/cron.deny -p wa -k services\n", "V-268097");
  EXPECT_EQ(result.verdict, Verdict::Open);
  EXPECT_NE(uncovered(result).find("write /var/cron/tabs/"), std::string::npos) << uncovered(result);
}

// path= on a directory is its inode: entries created or removed, not writes to an existing crontab.
TEST(PathCoverage, PathOnADirectoryIsNotATree) {
  auto result = judge("-a always,exit -F path=/var/cron/tabs -F perm=wa -k s\n-w /var/cron/cron.allow -p wa\n-w /var/cron/cron.deny -p wa\n", "V-268097");
  EXPECT_EQ(result.verdict, Verdict::Open);
  EXPECT_NE(uncovered(result).find("matches the directory itself"), std::string::npos) << uncovered(result);
}

TEST(PathCoverage, PathRuleMistakesAreOpen) {
  // 64-bit only: a 32-bit program's exec of usermod is not recorded.
  auto b64 = judge("-a always,exit -F arch=b64 -S all -F path=/run/current-system/sw/bin/usermod -F perm=x -F auid>=1000 -F auid!=unset -k u\n", "V-268164");
  EXPECT_EQ(b64.verdict, Verdict::Open);
  ASSERT_EQ(b64.uncovered.size(), 1U) << uncovered(b64);
  EXPECT_EQ(b64.uncovered[0].abi, Abi::b32);
  // The wrong auid filter leaves the first user out.
  auto auid = judge("-a always,exit -S all -F path=/run/current-system/sw/bin/usermod -F perm=x -F auid>1000 -F auid!=unset -k u\n", "V-268164");
  EXPECT_EQ(auid.verdict, Verdict::Open);
  EXPECT_NE(uncovered(auid).find("exec /run/current-system/sw/bin/usermod, auid 1000,"), std::string::npos) << uncovered(auid);
  // perm=r records reads of the program, not its execution.
  EXPECT_EQ(judge("-a always,exit -S all -F path=/run/current-system/sw/bin/usermod -F perm=r -F auid>=1000 -k u\n", "V-268164").verdict, Verdict::Open);
  // Where NixOS does not keep it (RHEL's path).
  EXPECT_EQ(judge("-a always,exit -S all -F path=/usr/sbin/usermod -F perm=x -F auid>=1000 -F auid!=unset -k u\n", "V-268164").verdict, Verdict::Open);
  // chage covered, chcon not: Open names chcon only.
  auto chage = judge("-a always,exit -S all -F path=/run/current-system/sw/bin/chage -F perm=x -F auid>=1000 -F auid!=unset -k c\n", "V-268165");
  EXPECT_EQ(chage.verdict, Verdict::Open);
  EXPECT_NE(uncovered(chage).find("exec /run/current-system/sw/bin/chcon"), std::string::npos);
  EXPECT_EQ(uncovered(chage).find("bin/chage"), std::string::npos) << uncovered(chage);
}

TEST(PathCoverage, ARuleNamingSomeSystemCallsDoesNotCoverTheAccess) {
  auto result = judge("-a always,exit -S execve -F path=/run/current-system/sw/bin/usermod -F perm=x -F auid>=1000 -F auid!=unset -k u\n", "V-268164");
  EXPECT_EQ(result.verdict, Verdict::Open);
  EXPECT_NE(uncovered(result).find("records only the system calls it names"), std::string::npos) << uncovered(result);
}

TEST(PathCoverage, AnEarlierNeverRuleSuppresses) {
  std::string fix = "-a never,exit -F path=/etc/shadow\n" + lines_of(find_stig_rule("V-268167"));
  auto result = judge(fix, "V-268167");
  EXPECT_EQ(result.verdict, Verdict::Open);
  ASSERT_FALSE(result.uncovered.empty());
  EXPECT_EQ(result.uncovered[0].fate, Fate::suppressed);
  EXPECT_EQ(result.uncovered[0].rule_line, 1);
  EXPECT_NE(uncovered(result).find("/etc/shadow"), std::string::npos);
  EXPECT_EQ(uncovered(result).find("/etc/passwd"), std::string::npos);
  // Auditing off records nothing.
  EXPECT_EQ(judge(lines_of(find_stig_rule("V-268166")) + "-e 0\n", "V-268166").verdict, Verdict::Open);
}

TEST(PathCoverage, PredictsTheKeyOfAConcreteAccess) {
  auto rules = rules::parse_rules(lines_of(find_stig_rule("V-268167")) + lines_of(find_stig_rule("V-268164")), Arch::x86_64, "rules");
  auto access = [](const std::string& syscall, const std::string& path, const std::string& kind, std::uint32_t auid, bool success = true) {
    PathAccess out;
    out.event.abi = Abi::b64;
    out.event.syscall = syscall;
    out.event.auid = auid;
    out.event.uid = 1000;
    out.event.euid = 1000;
    out.event.success = success;
    out.event.exit_code = success ? 0 : -13;
    out.path = path;
    out.access = kind;
    return out;
  };
  auto write = predict_access(rules, Arch::x86_64, access("openat", "/etc/passwd", "write", 1000, false));
  EXPECT_TRUE(write.recorded());
  EXPECT_EQ(write.key, "identity");
  EXPECT_EQ(write.rule_line, 2);
  // -p wa: a read is not recorded, by anyone.
  EXPECT_FALSE(predict_access(rules, Arch::x86_64, access("openat", "/etc/passwd", "read", 1000)).recorded());
  auto exec = predict_access(rules, Arch::x86_64, access("execve", "/run/current-system/sw/bin/usermod", "exec", 1000));
  EXPECT_TRUE(exec.recorded());
  EXPECT_EQ(exec.key, "privileged-usermod");
  EXPECT_FALSE(predict_access(rules, Arch::x86_64, access("execve", "/run/current-system/sw/bin/usermod", "exec", rules::kUnsetId)).recorded());
  EXPECT_FALSE(predict_access(rules, Arch::x86_64, access("execve", "/run/current-system/sw/bin/usermod", "exec", 999)).recorded());
  // path= on the cron directory: a crontab created names the directory, a plain write does not, and
  // an O_CREAT open of an existing one does on 6.1, not on 6.12.
  auto dir_rule = rules::parse_rules("-a always,exit -F path=/var/cron/tabs -F perm=wa -k s\n", Arch::x86_64, "rules");
  auto entry = access("openat", "/var/cron/tabs/", "write", 1000);
  EXPECT_EQ(predict_access(dir_rule, Arch::x86_64, entry).fate, Fate::no_rule);
  entry.creat_of_existing = true;
  EXPECT_EQ(predict_access(dir_rule, Arch::x86_64, entry).fate, Fate::undecidable);
  entry.creat_of_existing = false;
  entry.names_parent = true;
  EXPECT_EQ(predict_access(dir_rule, Arch::x86_64, entry).key, "s");
}

}  // namespace
}  // namespace auditvm::check

namespace auditvm::check {
namespace {

// V-268091's execve lines before the path rules (the STIG's order): they name only execve and
// compare ids with -C, which decides nothing about a write, and for a concrete exec is decided by
// the caller's ids (found first by `check --stig all` on the whole section: every path rule was
// "cannot prove coverage: line N uses -C uid!=euid").
TEST(PathCoverage, ExecprivLinesBeforeThePathRulesDecideNothingThereAndTheirComparisonsAreSplit) {
  std::string text;
  for (const char* group : {"V-268091", "V-268164", "V-268167"})
    for (const auto& line : find_stig_rule(group).literal_rules) text += line + "\n";
  for (Arch arch : all_arches()) {
    auto rules = rules::parse_rules(text, arch, "rules");
    EXPECT_EQ(evaluate(rules, arch, find_stig_rule("V-268167")).verdict, Verdict::NotAFinding) << to_string(arch);
    EXPECT_EQ(evaluate(rules, arch, find_stig_rule("V-268164")).verdict, Verdict::NotAFinding) << to_string(arch);
    PathAccess exec;
    exec.event.abi = Abi::b64;
    exec.event.syscall = "execve";
    exec.event.auid = 1000;
    exec.event.uid = exec.event.euid = exec.event.gid = 1000;
    exec.path = "/run/current-system/sw/bin/usermod";
    exec.access = "exec";
    auto plain = predict_access(rules, arch, exec);
    EXPECT_EQ(plain.fate, Fate::recorded) << plain.reason;
    EXPECT_EQ(plain.key, "privileged-usermod");
    exec.event.euid = 0;  // a setuid-root program's exec: the execpriv line comes first
    auto raised = predict_access(rules, arch, exec);
    EXPECT_EQ(raised.fate, Fate::recorded) << raised.reason;
    EXPECT_EQ(raised.key, "execpriv");
  }
}

}  // namespace
}  // namespace auditvm::check

#include "check/listed_watches.hpp"

namespace auditvm::check {
namespace {

// auditctl -l lists `-F path=/var/cron/tabs -F perm=wa` as `-w /var/cron/tabs -p wa`, the same as the
// STIG's `-w /var/cron/tabs/` (a tree): read alone the listing made the mistake NotAFinding (seen in
// a cell, the kernel recording no crontab write). With the rules file it is read as loaded.
TEST(ListedWatches, APathRuleListedAsAWatchIsReadAsTheRulesFileLoadedIt) {
  const std::string others = "-w /var/cron/cron.allow -p wa -k services\n-w /var/cron/cron.deny -p wa -k services\n";
  const std::string listing = "-w /var/cron/tabs -p wa -k services\n" + others;
  const std::string mistaken = "-a always,exit -F path=/var/cron/tabs -F perm=wa -k services\n" + others;
  const std::string stig = "-w /var/cron/tabs/ -p wa -k services\n" + others;
  EXPECT_EQ(listing_as_loaded(listing, stig), listing);
  EXPECT_EQ(evaluate(rules::parse_listing(listing, Arch::x86_64, "auditctl -l"), Arch::x86_64, find_stig_rule("V-268097")).verdict, Verdict::NotAFinding);
  const auto as_loaded = listing_as_loaded(listing, mistaken);
  EXPECT_EQ(as_loaded, "-a always,exit -S all -F path=/var/cron/tabs -F perm=wa -F key=services\n" + others);
  auto result = evaluate(rules::parse_listing(as_loaded, Arch::x86_64, "auditctl -l"), Arch::x86_64, find_stig_rule("V-268097"));
  EXPECT_EQ(result.verdict, Verdict::Open);
  ASSERT_FALSE(result.uncovered.empty());
  EXPECT_NE(result.uncovered.front().text().find("write /var/cron/tabs/"), std::string::npos) << result.uncovered.front().text();
}

// The rules file is read as `auditctl -R` splits its lines (at spaces, a run of them one
// separator; a tab stays part of its word), so a line auditctl did not load as a watch or a path
// rule does not count as one.
TEST(ListedWatches, TheRulesFileIsSplitAsAuditctlSplitsIt) {
  const std::string listing = "-w /var/cron/tabs -p wa -k services\n";
  const std::string as_rule = "-a always,exit -S all -F path=/var/cron/tabs -F perm=wa -F key=services\n";
  const std::string path_rule = "-a  always,exit   -F path=/var/cron/tabs -F perm=wa  -k services\n";
  EXPECT_EQ(listing_as_loaded(listing, path_rule), as_rule);
  // "-w\t/var/cron/tabs" is -w of "\t/var/cron/tabs" to auditctl (refused: not absolute), no watch of /var/cron/tabs.
  EXPECT_EQ(listing_as_loaded(listing, path_rule + "-w\t/var/cron/tabs -p wa -k services\n"), as_rule);
  EXPECT_EQ(listing_as_loaded(listing, path_rule + "-w /var/cron/tabs -p wa -k services\n"), listing);
  // "-F\tpath=..." is the field "\tpath" to auditctl, no path rule.
  EXPECT_EQ(listing_as_loaded(listing, "-a always,exit -F\tpath=/var/cron/tabs -F perm=wa -k services\n"), listing);
}

}  // namespace
}  // namespace auditvm::check
