// The kernel's filter-list and field semantics as measured in real guests (README: "Kernel
// semantics, as measured"; the rule sets are in tests/semantics/, proved against both arches by
// tests/vm/semantics). Each test pins one of them in the model.
#include <gtest/gtest.h>

#include "check/coverage.hpp"
#include "check_on.hpp"
#include "rules/parser.hpp"
#include "support/semantics_fixture.hpp"

namespace auditvm::check {
namespace {

constexpr std::uint32_t kUnset = rules::kUnsetId;

Event finit(std::uint32_t auid, std::uint32_t uid, LoginMode login = LoginMode::inherited, std::int64_t exit_code = -17) {
  Event event;
  event.abi = Abi::b64;
  event.syscall = "finit_module";
  event.auid = auid;
  event.uid = event.euid = uid;
  event.gid = uid;
  event.success = exit_code >= 0;
  event.exit_code = exit_code;
  event.login = login;
  return event;
}

Prediction predict_on(const std::string& text, const Event& event, Arch arch = Arch::x86_64) {
  return predict(rules::parse_rules(text, arch, "t"), arch, event);
}

using auditvm::test::check;
using auditvm::test::uncovered_text;

const std::string kFinit = "-a always,exit -F arch=b64 -S finit_module -k m\n";
const std::string kStigFix =
    "-a always,exit -F arch=b32 -S init_module,finit_module,delete_module -F auid>=1000 -F auid!=unset -k module_chng\n"
    "-a always,exit -F arch=b64 -S init_module,finit_module,delete_module -F auid>=1000 -F auid!=unset -k module_chng\n";

// Measured (tests/semantics/task_fork_credentials.rules): the task list is evaluated once, at fork,
// with the credentials the new process has then. A process forked after its login uid was set is
// judged on it; one that sets its login uid itself was judged as its parent: auid unset, root.
TEST(TaskList, IsEvaluatedAtForkWithTheForkTimeCredentials) {
  const std::string rules = "-a never,task -F auid=-1\n" + kFinit;
  EXPECT_TRUE(predict_on(rules, finit(1000, 0)).recorded());
  auto self = predict_on(rules, finit(1000, 0, LoginMode::self));
  EXPECT_EQ(self.fate, Fate::suppressed) << self.reason;
  EXPECT_EQ(self.rule_line, 1);
  EXPECT_EQ(predict_on(rules, finit(kUnset, 0)).fate, Fate::suppressed);
}

// Measured: the unset login uid is 4294967295 to the comparison, so auid>=1000 holds for it, and a
// process that sets its own login uid is switched off by it too.
TEST(TaskList, AnUnsetLoginUidIsTheLargestAuid) {
  const std::string rules = "-a never,task -F auid>=1000\n" + kFinit;
  EXPECT_EQ(predict_on(rules, finit(1000, 0)).fate, Fate::suppressed);
  EXPECT_EQ(predict_on(rules, finit(1000, 0, LoginMode::self)).fate, Fate::suppressed);
  EXPECT_EQ(predict_on(rules, finit(kUnset, 0)).fate, Fate::suppressed);
  EXPECT_TRUE(predict_on(rules, finit(999, 0)).recorded());
}

// Measured: a process forked by uid 1000 is switched off by never,task uid=1000; one forked by root
// that calls setuid(1000) afterwards (the module helper with --auid) is not.
TEST(TaskList, UidsAreThoseAtFork) {
  const std::string rules = "-a never,task -F uid=1000\n" + kFinit;
  EXPECT_EQ(predict_on(rules, finit(1000, 1000)).fate, Fate::suppressed);
  EXPECT_TRUE(predict_on(rules, finit(1000, 1000, LoginMode::self)).recorded());
}

// Measured: a matching always,task rule makes every syscall of the task recorded, whatever the
// exit list says (a never,exit rule for the very call does not suppress it, an always,exit rule's
// key is not used): the task's context has the highest priority, so no exit rule is consulted.
// auditctl refuses a key on the task list, so such records have none.
TEST(TaskList, AlwaysTaskRecordsEverySyscallAndTheExitListIsNotConsulted) {
  auto alone = predict_on("-a always,task -F uid=0\n", finit(kUnset, 0));
  EXPECT_TRUE(alone.recorded()) << alone.reason;
  EXPECT_EQ(alone.rule_line, 1);
  EXPECT_EQ(alone.key, "");
  auto never = predict_on("-a always,task -F uid=0\n-a never,exit -F arch=b64 -S finit_module\n", finit(kUnset, 0));
  EXPECT_TRUE(never.recorded()) << never.reason;
  auto keyed = predict_on("-a always,task -F uid=0\n" + kFinit, finit(kUnset, 0));
  EXPECT_TRUE(keyed.recorded());
  EXPECT_EQ(keyed.key, "");
  EXPECT_EQ(keyed.rule_line, 1);
  // Not matching at fork: the exit list decides as usual.
  EXPECT_EQ(predict_on("-a always,task -F uid=0\n" + kFinit, finit(1000, 1000)).key, "m");
  EXPECT_EQ(predict_on("-a always,task -F auid=1000\n", finit(1000, 0, LoginMode::self)).fate, Fate::no_rule);
  EXPECT_TRUE(predict_on("-a always,task -F auid=1000\n", finit(1000, 0)).recorded());
}

// Measured: the first matching task rule decides.
TEST(TaskList, FirstMatchDecides) {
  EXPECT_TRUE(predict_on("-a always,task -F uid=0\n-a never,task -F uid=0\n" + kFinit, finit(kUnset, 0)).recorded());
  EXPECT_EQ(predict_on("-a never,task -F uid=0\n-a always,task -F uid=0\n" + kFinit, finit(kUnset, 0)).fate, Fate::suppressed);
  EXPECT_EQ(predict_on("-a never,task\n" + kFinit, finit(1000, 1000)).fate, Fate::suppressed);  // no fields: every task
}

// Measured: at fork there is no syscall context and the executable is not yet the task's own, so
// arch=, arch!= and exe= never match on the task list, and exe!= always does.
TEST(TaskList, FieldsThatNeedASyscallContextNeverMatchAtFork) {
  EXPECT_TRUE(predict_on("-a never,task -F arch=b64\n" + kFinit, finit(kUnset, 0)).recorded());
  EXPECT_TRUE(predict_on("-a never,task -F arch!=b64\n" + kFinit, finit(kUnset, 0)).recorded());
  EXPECT_TRUE(predict_on("-a never,task -F exe=/opt/auditvm/modhelper-b64\n" + kFinit, finit(kUnset, 0)).recorded());
  EXPECT_EQ(predict_on("-a never,task -F exe!=/x\n" + kFinit, finit(kUnset, 0)).fate, Fate::suppressed);
}

// Coverage: commands of logged-in users are forked after the login uid was set (the normal case);
// the process that sets its own login uid (a login daemon's session, then the user's login shell by
// exec) was judged at fork as auid unset, root. A never,task rule matching that leaves those calls
// unaudited: an uncovered group saying so. Without task rules the two populations are one.
TEST(TaskList, CoverageCountsProcessesThatSetTheirOwnLoginUid) {
  auto plain = check(kStigFix);
  EXPECT_EQ(plain.verdict, Verdict::NotAFinding) << uncovered_text(plain);
  for (const auto& region : plain.regions) EXPECT_EQ(region.login, LoginMode::inherited);

  auto unset_off = check("-a never,task -F auid=-1\n" + kStigFix);
  EXPECT_EQ(unset_off.verdict, Verdict::Open);
  ASSERT_FALSE(unset_off.uncovered.empty());
  for (const auto& group : unset_off.uncovered) {
    EXPECT_NE(group.who.find("login uid set by the process itself"), std::string::npos) << group.text();
    EXPECT_EQ(group.rule_line, 1);
    EXPECT_EQ(group.fate, Fate::suppressed);
  }
  // The logged-in users' own commands stay covered.
  for (const auto& region : unset_off.regions) {
    if (region.login == LoginMode::inherited) {
      EXPECT_EQ(region.fate, Fate::recorded) << region.reason;
    }
  }

  // Switching off root's tasks before login: the same hole; uid 0 after login (su) stays covered.
  EXPECT_EQ(check("-a never,task -F uid=0 -F auid=-1\n" + kStigFix).verdict, Verdict::Open);
  // A never,task rule for logged-in users opens both.
  auto users_off = check("-a never,task -F auid>=1000 -F auid!=-1\n" + kStigFix);
  EXPECT_EQ(users_off.verdict, Verdict::Open);
  EXPECT_NE(uncovered_text(users_off).find("task auditing switched off by never,task rule on line 1"), std::string::npos) << uncovered_text(users_off);
  // always,task for everyone records everything, both populations.
  auto all = check("-a always,task\n");
  EXPECT_EQ(all.verdict, Verdict::NotAFinding) << uncovered_text(all);
}

// Measured (tests/semantics/exclude_*.rules): every match on the exclude list drops the record,
// always and never alike; dropping the SYSCALL record drops the whole event (no PATH, CWD,
// PROCTITLE, KERN_MODULE either), dropping another type leaves the SYSCALL record alone.
TEST(ExcludeList, AnyMatchDropsTheRecordWhateverTheAction) {
  for (const char* action : {"always", "never"}) {
    auto dropped = predict_on(kFinit + "-a " + action + ",exclude -F msgtype=SYSCALL\n", finit(1000, 0));
    EXPECT_EQ(dropped.fate, Fate::suppressed) << action << ": " << dropped.reason;
    EXPECT_EQ(dropped.rule_line, 2);
  }
  for (const char* other : {"msgtype=PATH", "msgtype=PROCTITLE", "msgtype=KERN_MODULE", "msgtype!=SYSCALL"})
    EXPECT_TRUE(predict_on(kFinit + "-a always,exclude -F " + other + "\n", finit(1000, 0)).recorded()) << other;
  EXPECT_EQ(predict_on(kFinit + "-a always,exclude -F msgtype>=1300 -F msgtype<=1301\n", finit(1000, 0)).fate, Fate::suppressed);
  // It applies to what an always,task rule records as well.
  EXPECT_EQ(predict_on("-a always,task\n-a never,exclude -F msgtype=SYSCALL\n", finit(1000, 0)).fate, Fate::suppressed);
}

// Measured: an exclude rule without fields matches nothing (audit_filter needs a field that holds).
TEST(ExcludeList, ARuleWithoutFieldsMatchesNothing) {
  EXPECT_TRUE(predict_on(kFinit + "-a always,exclude\n", finit(1000, 0)).recorded());
  EXPECT_TRUE(predict_on(kFinit + "-a never,exclude\n", finit(1000, 0)).recorded());
  EXPECT_EQ(check(kStigFix + "-a never,exclude\n").verdict, Verdict::NotAFinding);
}

// Measured: auid, uid and gid on the exclude list are the calling task's when the record is made.
TEST(ExcludeList, IdsAreTheCallersWhenTheRecordIsMade) {
  const std::string unset_dropped = kFinit + "-a never,exclude -F auid=-1\n";
  EXPECT_EQ(predict_on(unset_dropped, finit(kUnset, 0)).fate, Fate::suppressed);
  EXPECT_TRUE(predict_on(unset_dropped, finit(1000, 0)).recorded());
  EXPECT_EQ(predict_on(kFinit + "-a always,exclude -F auid=1000\n", finit(1000, 0)).fate, Fate::suppressed);
  EXPECT_TRUE(predict_on(kFinit + "-a always,exclude -F uid=1000\n", finit(1000, 0)).recorded());
  EXPECT_EQ(predict_on(kFinit + "-a always,exclude -F uid=1000\n", finit(1000, 1000, LoginMode::self)).fate, Fate::suppressed);
  EXPECT_EQ(predict_on(kFinit + "-a always,exclude -F exe=/x\n", finit(1000, 0)).fate, Fate::undecidable);
}

// Measured: the user and filesystem lists never change whether a syscall is recorded.
TEST(UserAndFilesystemLists, NeverTouchSyscallRecords) {
  for (const char* line : {"-a never,user", "-a never,user -F auid=-1", "-a always,user -F msgtype=USER", "-a never,filesystem -F fstype=debugfs"})
    EXPECT_TRUE(predict_on(kFinit + line + "\n", finit(kUnset, 0)).recorded()) << line;
}

// Measured (tests/semantics/compare_ids.rules): -C compares two ids of the same call exactly;
// a concrete event has every id, so the prediction is exact.
TEST(Comparisons, AreExactForAConcreteEvent) {
  const std::string differ = "-a always,exit -F arch=b64 -S finit_module -C auid!=uid -k c\n";
  EXPECT_TRUE(predict_on(differ, finit(1000, 0)).recorded());
  EXPECT_EQ(predict_on(differ, finit(1000, 1000)).fate, Fate::no_rule);
  EXPECT_TRUE(predict_on(differ, finit(kUnset, 0)).recorded());
  EXPECT_TRUE(predict_on(differ, finit(kUnset, 1000)).recorded());
  const std::string same = "-a always,exit -F arch=b64 -S finit_module -C auid=uid -k c\n";
  EXPECT_TRUE(predict_on(same, finit(1000, 1000)).recorded());
  EXPECT_EQ(predict_on(same, finit(1000, 0)).fate, Fate::no_rule);
  Event setuid = finit(1000, 0);
  setuid.euid = 1000;
  EXPECT_TRUE(predict_on("-a always,exit -F arch=b64 -S finit_module -C uid!=euid\n", setuid).recorded());
  EXPECT_EQ(predict_on("-a always,exit -F arch=b64 -S finit_module -C uid!=euid\n", finit(1000, 0)).fate, Fate::no_rule);
  // Fields the model does not have stay undecidable.
  EXPECT_EQ(predict_on("-a always,exit -F arch=b64 -S finit_module -C uid!=obj_uid\n", finit(1000, 0)).fate, Fate::undecidable);
}

// Coverage splits a region exactly where the comparison is decided in it: the two ids' ranges do
// not meet (auid 1000.. against uid 0), or one of them is a single value. Else "cannot prove".
TEST(Comparisons, SplitCoverageWhereTheyAreDecided) {
  const std::string calls = " -S init_module,finit_module,delete_module -F auid>=1000 -F auid!=unset";
  auto rules_for = [&](const std::string& cmp) {
    std::string text;
    for (const char* abi : {"b32", "b64"})
      text += std::string("-a always,exit -F arch=") + abi + calls + " -F uid=0 -C " + cmp + "\n-a always,exit -F arch=" + abi + calls + " -F uid!=0\n";
    return text;
  };
  auto differ = check(rules_for("auid!=uid"));
  EXPECT_EQ(differ.verdict, Verdict::NotAFinding) << uncovered_text(differ);
  auto same = check(rules_for("auid=uid"));
  EXPECT_EQ(same.verdict, Verdict::Open);
  for (const auto& group : same.uncovered) {
    EXPECT_EQ(group.fate, Fate::no_rule) << group.text();
    EXPECT_NE(group.who.find("uid 0"), std::string::npos) << group.text();
  }
  // auid pinned: the never rule takes exactly uid 1000.
  auto pinned = check("-a never,exit -F arch=b64 -S finit_module -F auid=1000 -C auid=uid\n" + kStigFix);
  ASSERT_EQ(pinned.uncovered.size(), 1U) << uncovered_text(pinned);
  EXPECT_EQ(pinned.uncovered[0].fate, Fate::suppressed);
  EXPECT_EQ(pinned.uncovered[0].who, "auid 1000, uid 1000");
  // Neither side narrowed: cannot prove coverage.
  auto open = check("-a never,exit -F arch=b64 -S finit_module -C auid!=uid\n" + kStigFix);
  ASSERT_FALSE(open.uncovered.empty());
  EXPECT_EQ(open.uncovered[0].fate, Fate::undecidable) << uncovered_text(open);
}

// A successful module call returns 0 (do_init_module, delete_module; fixture
// exit_of_success.rules: a never rule on success=1 exit!=0 leaves the success recorded), so the
// required successes are exit 0 only: a rule that leaves out an exit no success returns records
// them all. Found by difftest (tests/difftest/found/aarch64/verdict-archless-exit-not-4096): an
// arch-less `-F exit!=-4096` rule was Open for "success", the kernel's witnesses NotAFinding.
TEST(Exit, TheRequiredSuccessesAreTheExitsASuccessfulCallReturns) {
  const std::string calls = " -S init_module,finit_module,delete_module";
  for (Arch arch : all_arches()) {
    auto any_exit = check("-a always,exit -F arch=b32" + calls + "\n-a always,exit -F arch=b64" + calls + " -F exit!=-4096\n", arch);
    EXPECT_EQ(any_exit.verdict, Verdict::NotAFinding) << to_string(arch) << ": " << uncovered_text(any_exit);
    // The found fixture as aarch64's auditctl -l lists it: the arch-less rule's names in arm's table.
    if (arch == Arch::aarch64) {
      auto listed = evaluate(rules::parse_listing("-a always,exit -F arch=b32 -S init_module,delete_module,finit_module\n"
                                                  "-a always,exit -S getitimer,stat,pciconfig_write -F exit!=-4096\n",
                                                  arch, "auditctl -l"),
                             arch, find_stig_rule("V-268096"));
      EXPECT_EQ(listed.verdict, Verdict::NotAFinding) << uncovered_text(listed);
    }
    std::string split;
    for (const char* abi : {"b32", "b64"})
      split += std::string("-a always,exit -F arch=") + abi + calls + " -F exit=0\n-a always,exit -F arch=" + abi + calls + " -F success=0\n";
    auto zero = check(split, arch);
    EXPECT_EQ(zero.verdict, Verdict::NotAFinding) << to_string(arch) << ": " << uncovered_text(zero);
    // exit 0 itself left out: every success is missed, and no failure (they are -4095..-1).
    auto not_zero = check("-a always,exit -F arch=b32" + calls + "\n-a always,exit -F arch=b64" + calls + " -F exit!=0\n", arch);
    ASSERT_EQ(not_zero.uncovered.size(), 1U) << uncovered_text(not_zero);
    EXPECT_EQ(not_zero.uncovered[0].outcome, "success") << uncovered_text(not_zero);
  }
}

}  // namespace
}  // namespace auditvm::check

namespace auditvm::check {
namespace {

// Every fixture's expectations (what the kernel did, tests/vm/semantics proves it in guests) are
// what the model predicts, on both arches, whatever the call returned.
TEST(SemanticsFixtures, TheModelPredictsWhatTheKernelDid) {
  auto fixtures = test::load_semantics_fixtures();
  ASSERT_GE(fixtures.size(), 10U);
  for (const auto& fixture : fixtures) {
    ASSERT_FALSE(fixture.expect.empty()) << fixture.name << " pins nothing";
    for (Arch arch : all_arches()) {
      auto loaded = rules::parse_rules(fixture.text, arch, fixture.name);
      for (const auto& expected : fixture.expect) {
        const auto& probes = test::semantics_probes();
        const auto& probe = *std::find_if(probes.begin(), probes.end(), [&](const auto& p) { return p.name == expected.probe; });
        for (std::int64_t exit_code : {std::int64_t{0}, std::int64_t{-17}, std::int64_t{-1}}) {
          auto got = predict(loaded, arch, test::probe_event(probe, exit_code));
          EXPECT_EQ(got.recorded(), expected.recorded) << fixture.name << " " << to_string(arch) << " " << probe.name << " exit " << exit_code << ": " << got.reason;
          if (got.recorded() && expected.recorded) {
            EXPECT_EQ(got.key, expected.key) << fixture.name << " " << probe.name;
          }
        }
      }
    }
  }
}

}  // namespace
}  // namespace auditvm::check
