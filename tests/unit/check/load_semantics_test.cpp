// What `auditctl -R` does with each fixture of tests/semantics/load, as measured in the bookworm
// (audit 3.0.9, 6.1) and trixie (audit 4.0.2, 6.12) guests on x86_64 and aarch64 (the VM test
// vm_load_semantics_test replays them): lint must predict exactly that.
#include <gtest/gtest.h>

#include <filesystem>

#include "check/coverage.hpp"
#include "check/kernel_model.hpp"
#include "check/load_simulation.hpp"
#include "core/files.hpp"
#include "rules/canonical.hpp"

namespace auditvm::check {
namespace {

using rules::Userspace;

LoadReport load(const std::string& fixture, Arch arch = Arch::x86_64, Userspace userspace = Userspace::audit3) {
  auto file = std::filesystem::path(AUDITVM_SOURCE_ROOT) / "tests/semantics/load" / (fixture + ".rules");
  return simulate_load(read_file(file, FileKind::data), arch, fixture, userspace);
}

struct Refused {
  int line;
  bool by_kernel;
  std::string message;  // its beginning
};

void expect_refused(const LoadReport& report, const std::vector<Refused>& expected, int exit_status) {
  EXPECT_EQ(report.exit_status, exit_status);
  ASSERT_EQ(report.rejected.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(report.rejected[i].line, expected[i].line);
    EXPECT_EQ(report.rejected[i].by_kernel, expected[i].by_kernel) << report.rejected[i].message;
    EXPECT_EQ(report.rejected[i].message.substr(0, expected[i].message.size()), expected[i].message);
  }
}

const std::string kExists = "Error sending add rule data request (Rule exists)";
const std::string kNoSuchRule = "Error sending delete rule data request (No such file or directory)";

TEST(LoadSemantics, AppendAndPrependPerListInTheKernelsListingOrder) {
  auto report = load("append_prepend");
  expect_refused(report, {}, 0);
  EXPECT_EQ(predicted_listing(report), (std::vector<std::string>{
      "-a never,task -F uid=6", "-a never,task -F uid=5",
      "-a always,exit -F arch=b64 -S write -F key=d", "-a always,exit -F arch=b64 -S close -F key=b",
      "-a always,exit -F arch=b64 -S openat -F key=a", "-a always,exit -F arch=b64 -S read -F key=c",
      "-a never,exclude -F msgtype=CWD", "-a always,exclude -F msgtype=PATH"}));
  // arrange() evaluates in the same order.
  auto lists = arrange(report.loaded);
  ASSERT_EQ(lists.exit.size(), 4U);
  EXPECT_EQ(lists.exit[0]->line, 5);  // -A write
  EXPECT_EQ(lists.exit[3]->line, 4);  // -a read
  ASSERT_EQ(lists.task.size(), 2U);
  EXPECT_EQ(lists.task[0]->line, 7);
}

TEST(LoadSemantics, DeleteMatchesTheKernelsComparisonNotTheText) {
  // -S a,b is -S b -S a; on aarch64 63 is read, on x86_64 it is uname.
  auto arm = load("delete_reordered_syscalls", Arch::aarch64);
  expect_refused(arm, {}, 0);
  EXPECT_EQ(predicted_listing(arm), std::vector<std::string>{"-a always,exit -F arch=b64 -S write"});
  expect_refused(load("delete_reordered_syscalls"), {{5, true, kNoSuchRule}}, 1);
  // Field order and keys do matter; a missing rule stops -R.
  expect_refused(load("delete_field_order"), {{3, true, kNoSuchRule}}, 1);
  expect_refused(load("delete_other_key"), {{3, true, kNoSuchRule}}, 1);
  auto missing = load("delete_missing");
  expect_refused(missing, {{3, true, kNoSuchRule}}, 1);
  EXPECT_EQ(missing.failing_line, 3);
  EXPECT_EQ(missing.not_loaded.size(), 1U);
}

TEST(LoadSemantics, DeleteTakesTheFirstIdenticalRuleInEvaluationOrder) {
  auto report = load("delete_prepended");
  expect_refused(report, {}, 0);
  EXPECT_EQ(predicted_listing(report), (std::vector<std::string>{"-a always,exit -F arch=b64 -S read -F key=r",
                                                                 "-a always,exit -F arch=b64 -S openat -F key=x",
                                                                 "-a always,exit -F arch=b64 -S write"}));
}

TEST(LoadSemantics, DuplicatesStopTheLoadUnlessPrepended) {
  expect_refused(load("duplicate"), {{3, true, kExists}}, 1);
  expect_refused(load("duplicate_other_key_or_action"), {}, 0);
  auto prepend = load("duplicate_prepend");
  expect_refused(prepend, {{6, true, kExists}}, 1);
  EXPECT_EQ(predicted_listing(prepend).size(), 4U);  // three identical openat rules and read
  expect_refused(load("duplicate_values"), {{4, true, kExists}}, 1);  // auid=unset after auid=-1
  expect_refused(load("no_syscall"), {{4, true, kExists}}, 1);        // -S all after no -S
  expect_refused(load("watch_is_path"), {{3, true, kExists}}, 1);     // -F path= -F perm= after -w
}

TEST(LoadSemantics, DeleteAllAndDeleteByKey) {
  auto all = load("delete_all");
  expect_refused(all, {}, 0);
  EXPECT_EQ(predicted_listing(all), std::vector<std::string>{"-a always,exit -F arch=b64 -S read"});
  auto by_key = load("delete_all_key");  // keys "ab" and "xaz" contain "a", "b" does not
  EXPECT_EQ(predicted_listing(by_key), (std::vector<std::string>{"-a always,exit -F arch=b64 -S close -F key=b",
                                                                "-a always,exit -F arch=b64 -S read"}));
}

TEST(LoadSemantics, IgnoreAndContinueGoOnPastRefusedLines) {
  auto ignore = load("ignore_errors");
  expect_refused(ignore, {{4, true, kExists}, {5, false, "Syscall name unknown: nosuch"}}, 0);
  EXPECT_FALSE(ignore.failing_line);
  EXPECT_EQ(predicted_listing(ignore).size(), 2U);
  expect_refused(load("continue_errors"), {{4, true, kExists}, {5, false, "Syscall name unknown: nosuch"}}, 1);
  expect_refused(load("ignore_too_late"), {{3, true, kExists}}, 1);
}

TEST(LoadSemantics, AuditctlSplitsAtSpacesOnly) {
  auto blank = load("whitespace");
  expect_refused(blank, {}, 0);
  EXPECT_EQ(predicted_listing(blank)[1], "-a always,exit -F arch=b64 -S read -F key=t\t");  // the tab is the key's
  expect_refused(load("trailing_tab_syscall"), {{3, false, "Syscall name unknown: read\t"}}, 1);
  expect_refused(load("leading_tab"), {{3, false, "List must be given before field"}}, 1);
  expect_refused(load("trailing_comment"), {{3, false, "parameter passed without an option given"}}, 1);
  auto crlf = load("crlf");  // "\r" alone: no option at all, auditctl names no reason
  expect_refused(crlf, {{3, false, ""}}, 1);
  EXPECT_EQ(predicted_listing(crlf), std::vector<std::string>{"-a always,exit -F arch=b64 -S openat -F key=a\r"});
  expect_refused(load("crlf_syscall"), {{3, false, "Syscall name unknown: close\r"}}, 1);
}

TEST(LoadSemantics, ControlLinesAndEnable) {
  expect_refused(load("control_lines"), {}, 0);
  auto disabled = load("enable_0");
  expect_refused(disabled, {}, 0);
  EXPECT_EQ(predicted_listing(disabled).size(), 2U);
  EXPECT_TRUE(arrange(disabled.loaded).auditing_disabled);
}

TEST(LoadSemantics, AfterLockingEveryChangeIsRefused) {
  auto locked = load("lock");
  expect_refused(locked, {{4, true, "Error sending add rule data request (Operation not permitted)"}}, 1);
  EXPECT_EQ(predicted_listing(locked), std::vector<std::string>{"-a always,exit -F arch=b64 -S read -F key=x"});
  // With -c each later line is refused in its own words, and -D is refused only if it deletes something.
  auto each = simulate_load("-c\n-a always,exit -F arch=b64 -S read\n-e 2\n-D\n-b 10\n-f 2\n-r 5\n--backlog_wait_time 9\n-e 1\n"
                            "--loginuid-immutable\n-d always,exit -F arch=b64 -S read\n",
                            Arch::x86_64, "t");
  expect_refused(each, {{4, true, "Error deleting rule (Operation not permitted)"},
                        {5, true, "Error sending backlog limit request (Operation not permitted)"},
                        {6, true, "Error sending failure mode request (Operation not permitted)"},
                        {7, true, "Error sending rate limit request (Operation not permitted)"},
                        {8, true, "Error sending backlog limit request (Operation not permitted)"},
                        {9, true, "Error sending enable request (Operation not permitted)"},
                        {11, true, "Error sending delete rule data request (Operation not permitted)"}},
                 1);
}

TEST(LoadSemantics, WatchesAndTheirDeletion) {
  auto watches = load("watch_and_W");
  expect_refused(watches, {{5, true, kNoSuchRule}}, 1);
  EXPECT_EQ(predicted_listing(watches), std::vector<std::string>{"-w /etc/passwd -p wa -k p"});
  // A missing directory is the target's business: lint warns (the guest refuses it, VM test).
  auto missing = load("watch_missing_dir");
  ASSERT_FALSE(missing.warnings.empty());
  EXPECT_NE(missing.warnings[0].find("watch_missing_dir:2: -w /nonexistent/dir/file"), std::string::npos);
}

// The guest's paths as a cell probes them (every guest has /etc/passwd, /usr/bin, no /nonexistent).
TEST(LoadSemantics, ThePathsARuleNeedsOnTheTarget) {
  const std::string text = read_file(std::filesystem::path(AUDITVM_SOURCE_ROOT) / "tests/semantics/load/missing_paths.rules", FileKind::data);
  EXPECT_EQ(paths_to_probe(text, Arch::x86_64, Userspace::audit3),
            (std::vector<std::string>{"/nonexistent/dir", "/", "/etc/passwd", "/etc", "/nonexistent", "/etc/passwd/x", "/usr/bin"}));
  TargetPaths guest{{{"/nonexistent/dir", PathState::missing}, {"/", PathState::directory}, {"/etc/passwd", PathState::other},
                     {"/etc", PathState::directory}, {"/nonexistent", PathState::missing}, {"/etc/passwd/x", PathState::blocked},
                     {"/usr/bin", PathState::directory}}};
  const std::string missing = "Error sending add rule data request (No such file or directory)";
  const std::string not_dir = "Error sending add rule data request (Not a directory)";
  const std::string kInvalid = "Error sending add rule data request (Invalid argument)";
  for (Arch arch : all_arches())
    for (auto userspace : {Userspace::audit3, Userspace::audit4}) {
      auto report = simulate_load(text, arch, "missing_paths", userspace, &guest);
      expect_refused(report,
                     {{8, true, missing}, {10, true, not_dir}, {11, true, missing}, {13, true, missing}, {15, true, not_dir},
                      {16, true, missing}, {18, true, missing}, {19, true, kInvalid}, {20, true, missing}, {21, true, kInvalid}, {22, true, kNoSuchRule}},
                     1);
      EXPECT_TRUE(report.warnings.empty()) << report.warnings.front();
      auto listing = predicted_listing(report);
      ASSERT_EQ(listing.size(), 4U);
      EXPECT_EQ(listing[0], "-w /nonexistent -p wa -k top");
    }
  // Without the target lint loads all but the two keys (the -W deletes line 8's watch), and warns about each path.
  auto lint = load("missing_paths");
  expect_refused(lint, {{19, true, kInvalid}, {20, true, kInvalid}, {21, true, kInvalid}}, 1);
  EXPECT_EQ(lint.warnings.size(), 11U);
}

TEST(LoadSemantics, WhatAuditctlRefusesOnEachList) {
  expect_refused(load("key_needs_syscall"), {{3, false, "key option needs a watch or syscall given prior to it"}}, 1);
  expect_refused(load("exit_on_task"), {{3, false, "exit can only be used with exit filter list"}}, 1);
  expect_refused(load("syscall_on_task"), {{3, false, "Error: syscall auditing being added to task list"}}, 1);
  expect_refused(load("syscall_on_exclude"), {{3, false, "Error: syscall auditing cannot be put on exclude list"}}, 1);
  expect_refused(load("msgtype_on_exit"), {{3, false, "msgtype field can only be used with exclude or user filter list"}}, 1);
  expect_refused(load("arch_after_syscall"), {{3, false, "arch must be before -S"}}, 1);
  expect_refused(load("numeric_syscalls"), {{3, false, "Syscall name unknown: 2048"}}, 1);
  EXPECT_EQ(predicted_listing(load("numeric_syscalls")), std::vector<std::string>{"-a always,exit -F arch=b64 -S 999"});
  expect_refused(load("arch_not_equal"), {}, 0);
  expect_refused(load("b32", Arch::aarch64), {}, 0);
}

TEST(LoadSemantics, WhatTheKernelRefuses) {
  expect_refused(load("bit_operator"), {{3, true, "Error sending add rule data request (Invalid argument)"}}, 1);
  auto key = load("key_operator");  // key!=b is the key b; a second key is refused
  expect_refused(key, {{4, true, "Error sending add rule data request (Invalid argument)"}}, 1);
  EXPECT_EQ(predicted_listing(key)[1], "-a always,exit -F arch=b64 -S openat -F key=b");
}

const std::string kInvalid = "Error sending add rule data request (Invalid argument)";
const std::string kKeyNeeds = "Key field needs a watch, syscall or exe path given prior to it";
const std::string kExcludeFields = "Only msgtype, *uid, *gid, pid, and subj* fields can be used with exclude filter";

TEST(LoadSemantics, AuditctlChecksEachFieldAgainstItsListAndOperator) {
  const std::vector<Refused> refused{{5, false, "path can only be used with exit filter list"},
                                     {6, false, "obj_user can only be used with exit filter list"},
                                     {7, false, "inode can only be used with exit filter list"},
                                     {8, false, "devmajor can only be used with exit filter list"},
                                     {9, false, "filetype can only be used with exit filter list"},
                                     {10, false, "ppid can only be used with exit filter list"},
                                     {11, false, "success can only be used with exit filter list"},
                                     {12, false, "perm can only be used with exit filter list"},
                                     {13, false, "fstype field is not valid for the filter"},
                                     {14, false, "fstype only takes = or != operators"},
                                     {15, false, "exe only takes = or != operators"},
                                     {16, false, "inode only takes = or != operators"},
                                     {17, false, "perm only takes = operator"},
                                     {18, false, "arch only takes = or != operators"},
                                     {19, false, "auid can only be used with exit filter list"},
                                     {20, false, "auid can only be used with exit filter list"}};
  for (auto userspace : {Userspace::audit3, Userspace::audit4}) {
    SCOPED_TRACE(std::string(rules::to_string(userspace)));
    auto report = load("field_lists", Arch::x86_64, userspace);
    expect_refused(report, refused, 1);
    EXPECT_EQ(predicted_listing(report), (std::vector<std::string>{"-a always,exit -F arch=b64 -S read", "-a always,exit -F arch=b64 -S write"}));
  }
}

TEST(LoadSemantics, TheKernelRefusesFieldsItsListOrItsOperatorDoesNotTake) {
  std::vector<Refused> refused;
  for (int line = 7; line <= 20; ++line) refused.push_back({line, true, kInvalid});
  refused.push_back({21, false, ""});  // dir= first: auditctl retries it as a watch and says nothing
  for (auto arch : {Arch::x86_64, Arch::aarch64})
    for (auto userspace : {Userspace::audit3, Userspace::audit4}) {
      auto report = load("kernel_refuses", arch, userspace);
      expect_refused(report, refused, 1);
      EXPECT_EQ(report.rejected.back().message, "");
      EXPECT_EQ(predicted_listing(report), (std::vector<std::string>{"-a always,exit -F arch=b64 -S read", "-a always,exit -F arch=b64 -S write"}));
    }
}

TEST(LoadSemantics, AKeyNeedsASyscallWatchPermExeOrFstypeBeforeItIsSent) {
  for (auto userspace : {Userspace::audit3, Userspace::audit4}) {
    auto report = load("key_dependency", Arch::x86_64, userspace);
    expect_refused(report, {{5, false, kKeyNeeds}, {6, false, kKeyNeeds}, {8, false, kKeyNeeds}}, 1);
    EXPECT_EQ(predicted_listing(report).size(), 4U);
  }
}

TEST(LoadSemantics, TheExcludeListsFieldsDifferBetweenTheUserspaces) {
  expect_refused(load("exclude_fields"), {{7, false, kExcludeFields}, {8, false, kExcludeFields}, {9, false, kExcludeFields}, {10, false, kExcludeFields}}, 1);
  auto audit4 = load("exclude_fields", Arch::x86_64, Userspace::audit4);
  expect_refused(audit4, {{8, false, "success can only be used with exit filter list"}, {9, false, kKeyNeeds}}, 1);
  EXPECT_EQ(predicted_listing(audit4), (std::vector<std::string>{"-a always,exit -F arch=b64 -S read", "-a always,exit -F arch=b64 -S write",
                                                                 "-a never,exclude -F euid=0", "-a never,exclude -F exe=/bin/busybox -F key=y"}));
}

TEST(LoadSemantics, TheDifftestFixturesStopWhereTheKernelStopped) {
  // tests/difftest/found/*/load-*: the line auditctl -R stopped at on the guest, and its words.
  struct Found {
    const char* rules;
    Arch arch;
    int line;
    std::string message;
  };
  const std::vector<Found> found{
      {"-a always,exit -S all\n-a never,exclude -F key=x\n", Arch::aarch64, 2, kExcludeFields},
      {"-a never,exit -S finit_module -F path!=/etc/passwd\n", Arch::aarch64, 1, kInvalid},
      {"-A always,filesystem -F arch=b64\n", Arch::x86_64, 1, kInvalid},
      {"-a always,exit -S execve\n-a always,filesystem -C auid!=euid\n", Arch::x86_64, 2, "auid can only be used with exit filter list"},
      {"-a always,exit -S delete_module\n-a always,exit -S finit_module -F exe>=/sbin/insmod\n", Arch::x86_64, 2, "exe only takes = or != operators"},
      {"-a filesystem,always -F auid<=1000\n", Arch::x86_64, 1, kInvalid},
      {"-a always,exit -S delete_module\n-a never,exit -S execve -F fstype=tracefs\n", Arch::x86_64, 2, "fstype field is not valid for the filter"},
      {"-a always,filesystem -F fstype>tracefs\n", Arch::x86_64, 1, "fstype only takes = or != operators"}};
  for (const auto& f : found) {
    SCOPED_TRACE(f.rules);
    auto report = simulate_load(f.rules, f.arch, "found");
    ASSERT_TRUE(report.failing_line);
    EXPECT_EQ(*report.failing_line, f.line);
    EXPECT_EQ(report.message.substr(0, f.message.size()), f.message);
  }
}

TEST(LoadSemantics, AComparisonNeedsTwoIdsOfOneKind) {
  for (auto userspace : {Userspace::audit3, Userspace::audit4}) {
    auto report = load("compare_fields", Arch::x86_64, userspace);
    expect_refused(report, {{6, false, "-C unknown field: bogus"},
                            {7, false, "-C unknown right hand value for comparison with: auid"},
                            {8, false, "-C incompatible comparison auid"},
                            {9, false, "-C incompatible comparison uid"},
                            {10, false, "-C incompatible comparison pid"},
                            {11, false, "-C incompatible comparison obj_uid"},
                            {12, false, "-C incompatible comparison gid"}},
                   1);
    EXPECT_EQ(predicted_listing(report).size(), 2U);
  }
}

TEST(LoadSemantics, PermissionLettersInEitherCaseAtMostFour) {
  for (auto userspace : {Userspace::audit3, Userspace::audit4}) {
    auto report = load("perm_letters", Arch::x86_64, userspace);
    expect_refused(report, {{6, false, "permission rwxar is too long"},
                            {7, false, "Permission z isn't supported"},
                            {8, false, "Permission can only contain  'rwxa'"},
                            {9, false, "String value too long"}},
                   1);
    EXPECT_EQ(predicted_listing(report), (std::vector<std::string>{"-a always,exit -F arch=b64 -S read", "-w /etc/passwd -p wa",
                                                                   "-a always,exit -F arch=b64 -S write"}));
  }
}

TEST(LoadSemantics, TheTwoUserspacesDiffer) {
  expect_refused(load("arch_on_exclude"), {{3, false, "Only msgtype, *uid, *gid, pid, and subj* fields can be used with exclude filter"}}, 1);
  expect_refused(load("arch_on_exclude", Arch::x86_64, Userspace::audit4), {}, 0);
  expect_refused(load("entry_list"), {{3, false, "Append rule - bad keyword always,entry"}}, 1);
  expect_refused(load("entry_list", Arch::aarch64, Userspace::audit4), {{3, true, "Error sending add rule data request (Invalid argument)"}}, 1);
  // audit 4 adds the perm syscalls by name: aarch64 has no rename.
  expect_refused(load("perm_with_arch", Arch::aarch64), {}, 0);
  expect_refused(load("perm_with_arch", Arch::aarch64, Userspace::audit4), {{3, false, "Syscall name unknown: rename"}}, 1);
  auto x86 = load("perm_with_arch", Arch::x86_64, Userspace::audit4);
  expect_refused(x86, {}, 0);
  EXPECT_NE(predicted_listing(x86)[1].find("-S open,bind,truncate,ftruncate,rename,"), std::string::npos) << predicted_listing(x86)[1];
  // From audit 4.0.4 on (sid's 4.2.1) a name the ABI lacks is left out, and the table is longer:
  // the lines sid's guests listed.
  auto sid_x86 = load("perm_with_arch", Arch::x86_64, Userspace::audit4_2);
  expect_refused(sid_x86, {}, 0);
  EXPECT_EQ(predicted_listing(sid_x86).at(1),
            "-a always,exit -F arch=b64 -S open,bind,truncate,ftruncate,rename,mkdir,rmdir,creat,link,unlink,symlink,chmod,fchmod,chown,"
            "fchown,lchown,mknod,acct,swapon,quotactl,setxattr,lsetxattr,fsetxattr,removexattr,lremovexattr,fremovexattr,openat,mkdirat,"
            "mknodat,fchownat,unlinkat,renameat,linkat,symlinkat,fchmodat,fallocate,renameat2,openat2,quotactl_fd,fchmodat2,setxattrat,"
            "removexattrat,file_setattr -F perm=wa -F key=p");
  auto sid_arm = load("perm_with_arch", Arch::aarch64, Userspace::audit4_2);
  expect_refused(sid_arm, {}, 0);
  EXPECT_EQ(predicted_listing(sid_arm).at(1),
            "-a always,exit -F arch=b64 -S setxattr,lsetxattr,fsetxattr,removexattr,lremovexattr,fremovexattr,mknodat,mkdirat,unlinkat,"
            "symlinkat,linkat,renameat,truncate,ftruncate,fallocate,fchmod,fchmodat,fchownat,fchown,openat,quotactl,acct,bind,swapon,"
            "renameat2,openat2,quotactl_fd,fchmodat2,setxattrat,removexattrat,file_setattr -F perm=wa -F key=p");
}

TEST(LoadSemantics, ASyscallNameNewerThanTheUserspaceIsUnknown) {
  for (Arch arch : all_arches()) {
    expect_refused(load("newer_syscalls", arch), {{3, false, "Syscall name unknown: cachestat"}}, 1);  // bookworm
    auto trixie = load("newer_syscalls", arch, Userspace::audit4);
    expect_refused(trixie, {{4, false, "Syscall name unknown: setxattrat"}}, 1);
    EXPECT_EQ(predicted_listing(trixie), std::vector<std::string>{"-a always,exit -F arch=b64 -S cachestat -F key=newer"});
    auto sid = load("newer_syscalls", arch, Userspace::audit4_2);
    expect_refused(sid, {}, 0);
    EXPECT_EQ(predicted_listing(sid).at(1), "-a always,exit -F arch=b64 -S setxattrat -F key=newest");
  }
}

TEST(LoadSemantics, AnArchlessRuleLoadsWithAWarningOnX86_64Only) {
  auto x86 = load("archless");
  expect_refused(x86, {}, 0);
  ASSERT_EQ(x86.warnings.size(), 2U);
  EXPECT_NE(x86.warnings[0].find("32/64 bit syscall mismatch in line 2"), std::string::npos);
  EXPECT_TRUE(load("archless", Arch::aarch64).warnings.empty());
}

}  // namespace
}  // namespace auditvm::check
