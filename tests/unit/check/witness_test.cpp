#include <gtest/gtest.h>

#include <cerrno>
#include <set>
#include <tuple>

#include "check/call_outcomes.hpp"
#include "check/witness.hpp"
#include "rules/parser.hpp"
#include "rules/syscall_table.hpp"

#include <iostream>

namespace auditvm::check {
namespace {

const std::string kFix =
    "-a always,exit -F arch=b32 -S init_module,finit_module,delete_module -F auid>=1000 -F auid!=unset -k module_chng\n"
    "-a always,exit -F arch=b64 -S init_module,finit_module,delete_module -F auid>=1000 -F auid!=unset -k module_chng\n";

// The module calls' outcomes as the guest makes them, without the guest side's table: success
// (0), EPERM and EEXIST for every call.
bool plain_outcomes(const Event& event) { return event.exit_code == 0 || event.exit_code == -EPERM || event.exit_code == -EEXIST; }
bool nothing_feasible(const Event&) { return false; }

std::vector<Witness> witnesses(const std::string& rules, Arch arch = Arch::x86_64, WitnessLimits limits = {}, OutcomeFeasible feasible = plain_outcomes) {
  return choose_witnesses(rules::parse_rules(rules, arch, "t"), arch, find_stig_rule("V-268096"), limits, feasible);
}

const Witness* find(const std::vector<Witness>& all, std::uint32_t auid, Abi abi, const std::string& syscall) {
  for (const auto& w : all)
    if (w.event.auid == auid && w.event.abi == abi && w.event.syscall == syscall) return &w;
  return nullptr;
}

TEST(Witnesses, TheFixIsWitnessedAtTheBoundariesOfEveryCallAndAbi) {
  auto all = witnesses(kFix);
  for (Abi abi : {Abi::b32, Abi::b64})
    for (const char* syscall : {"init_module", "finit_module", "delete_module"})
      for (std::uint32_t auid : {1000U, 4294967294U}) {
        const auto* w = find(all, auid, abi, syscall);
        ASSERT_NE(w, nullptr) << to_string(abi) << " " << syscall << " auid " << auid;
        EXPECT_TRUE(w->required);
        EXPECT_TRUE(w->expected.recorded()) << w->region;
        EXPECT_EQ(w->expected.key, "module_chng");
      }
  // Every outcome the guest can make, and a process that set its own login uid.
  bool success = false, eperm = false, eexist = false, self = false;
  for (const auto& w : all) {
    success |= w.event.success;
    eperm |= w.event.exit_code == -EPERM;
    eexist |= w.event.exit_code == -EEXIST;
    self |= w.event.login == LoginMode::self;
  }
  EXPECT_TRUE(success && eperm && eexist && self);
  // Just outside the required set: the model predicts no record there.
  const auto* unset = find(all, 4294967295U, Abi::b64, "finit_module");
  ASSERT_NE(unset, nullptr);
  EXPECT_FALSE(unset->required);
  EXPECT_FALSE(unset->expected.recorded());
  const auto* below = find(all, 999, Abi::b32, "init_module");
  ASSERT_NE(below, nullptr);
  EXPECT_FALSE(below->required);
}

// The example: a gap outside the default actors (auid 1005) gets a witness inside it.
TEST(Witnesses, AGapGetsAWitnessInsideIt) {
  std::string rules = kFix;
  rules.insert(rules.find(" -k module_chng\n-a always,exit -F arch=b64"), " -F auid!=1005");
  auto all = witnesses(rules);
  ASSERT_FALSE(all.empty());
  const auto& first = all.front();  // uncovered regions come first
  EXPECT_EQ(first.event.auid, 1005U);
  EXPECT_EQ(first.event.abi, Abi::b32);
  EXPECT_TRUE(first.required);
  EXPECT_FALSE(first.expected.recorded());
  EXPECT_EQ(first.region.rfind("uncovered: b32 init_module, finit_module, delete_module, auid 1005", 0), 0U) << first.region;
  // The covered neighbours 1004 and 1006 are boundaries of their regions.
  EXPECT_TRUE(find(all, 1004, Abi::b32, "finit_module")->expected.recorded());
  EXPECT_TRUE(find(all, 1006, Abi::b32, "finit_module")->expected.recorded());
}

TEST(Witnesses, AnUncoveredOutcomeGetsAWitnessWithThatOutcome) {
  auto all = witnesses(
      "-a always,exit -F arch=b32 -S init_module,finit_module,delete_module -F success=1 -F auid>=1000 -F auid!=unset\n"
      "-a always,exit -F arch=b64 -S init_module,finit_module,delete_module -F auid>=1000 -F auid!=unset\n");
  const auto& first = all.front();
  EXPECT_EQ(first.event.abi, Abi::b32);
  EXPECT_FALSE(first.event.success);
  EXPECT_EQ(first.event.exit_code, -EPERM);
  EXPECT_FALSE(first.expected.recorded());
  EXPECT_EQ(first.region.rfind("uncovered: ", 0), 0U);
}

TEST(Witnesses, IdsAreChosenInsideTheRegionAndSettable) {
  // The rule narrows uid and euid: witnesses stay inside, and never ask for id 4294967295.
  auto all = witnesses(
      "-a always,exit -F arch=b64 -S finit_module -F auid>=1000 -F uid>=500 -F euid<=600\n");
  bool inside = false;
  for (const auto& w : all) {
    EXPECT_LT(w.event.uid, 4294967295U);
    EXPECT_LT(w.event.euid, 4294967295U);
    EXPECT_LT(w.event.gid, 4294967295U);
    if (w.expected.recorded()) {
      inside = true;
      EXPECT_GE(w.event.uid, 500U);
      EXPECT_LE(w.event.euid, 600U);
    }
  }
  EXPECT_TRUE(inside);
}

TEST(Witnesses, NoneWhereTheGuestCannotMakeTheOutcome) {
  EXPECT_TRUE(witnesses(kFix, Arch::x86_64, {}, nothing_feasible).empty());
}

TEST(Witnesses, TheLimitKeepsTheUncoveredFirst) {
  auto all = witnesses("-a always,exit -F arch=b64 -S finit_module -F auid>=1000\n", Arch::aarch64, {3});
  ASSERT_EQ(all.size(), 3U);
  for (const auto& w : all) EXPECT_EQ(w.region.rfind("uncovered: ", 0), 0U) << w.region;
}

TEST(Witnesses, EveryWitnessIsUnique) {
  auto all = witnesses(kFix);
  for (std::size_t i = 0; i < all.size(); ++i)
    for (std::size_t j = i + 1; j < all.size(); ++j) {
      const auto& a = all[i].event;
      const auto& b = all[j].event;
      EXPECT_FALSE(a.abi == b.abi && a.syscall == b.syscall && a.auid == b.auid && a.uid == b.uid && a.euid == b.euid && a.gid == b.gid &&
                   a.exit_code == b.exit_code && a.login == b.login && a.alternate_exe == b.alternate_exe);
    }
}

}  // namespace
}  // namespace auditvm::check

namespace auditvm::check {
namespace {

// V-268098's own rule lines (the check text's, with its key), on the runner's real outcome table.
const std::string kAccessRules =
    "-a always,exit -F arch=b32 -S open,creat,truncate,ftruncate,openat,open_by_handle_at -F exit=-EACCES -F auid>=1000 -F auid!=unset -k access\n"
    "-a always,exit -F arch=b32 -S open,creat,truncate,ftruncate,openat,open_by_handle_at -F exit=-EPERM -F auid>=1000 -F auid!=unset -k access\n"
    "-a always,exit -F arch=b64 -S open,creat,truncate,ftruncate,openat,open_by_handle_at -F exit=-EACCES -F auid>=1000 -F auid!=unset -k access\n"
    "-a always,exit -F arch=b64 -S open,creat,truncate,ftruncate,openat,open_by_handle_at -F exit=-EPERM -F auid>=1000 -F auid!=unset -k access\n";

std::vector<Witness> access_witnesses(const std::string& rules, Arch arch) {
  return choose_witnesses(rules::parse_rules(rules, arch, "t"), arch, find_stig_rule("V-268098"), {}, call_outcome_feasible);
}

TEST(StigWitnesses, EveryFileCallOfV268098IsWitnessedWithEachFailureItRequires) {
  for (Arch arch : {Arch::x86_64, Arch::aarch64}) {
    // auditctl refuses the names aarch64's b64 ABI lacks: the STIG's lines as corrected for it.
    std::string rules = kAccessRules;
    if (arch == Arch::aarch64)
      for (std::size_t at; (at = rules.find("arch=b64 -S open,creat,")) != std::string::npos;) rules.replace(at, 23, "arch=b64 -S ");
    auto all = access_witnesses(rules, arch);
    std::set<std::tuple<Abi, std::string, std::int64_t>> required;
    for (const auto& w : all) {
      if (!w.required) continue;
      EXPECT_TRUE(w.expected.recorded()) << to_string(arch) << " " << describe(w.event) << ": " << w.region;
      EXPECT_EQ(w.expected.key, "access");
      required.insert({w.event.abi, w.event.syscall, w.event.exit_code});
    }
    for (Abi abi : {Abi::b32, Abi::b64})
      for (const char* syscall : {"open", "creat", "truncate", "ftruncate", "openat", "open_by_handle_at"})
        for (std::int64_t code : {-EACCES, -EPERM}) {
          // aarch64's b64 ABI has no open or creat; ftruncate gives no EACCES without an LSM.
          bool exists = !(arch == Arch::aarch64 && abi == Abi::b64 && (std::string(syscall) == "open" || std::string(syscall) == "creat"));
          bool producible = !(std::string(syscall) == "ftruncate" && code == -EACCES);
          EXPECT_EQ(required.count({abi, syscall, code}), exists && producible ? 1U : 0U)
              << to_string(arch) << " " << to_string(abi) << " " << syscall << " " << code;
        }
  }
}

TEST(StigWitnesses, AB64OnlyV268098GetsAnUnrecordedWitnessForEveryB32Call) {
  std::string b64_only;
  for (std::size_t pos = 0, next; (next = kAccessRules.find('\n', pos)) != std::string::npos; pos = next + 1)
    if (kAccessRules.compare(pos, 30, "-a always,exit -F arch=b64 -S ") == 0) b64_only += kAccessRules.substr(pos, next + 1 - pos);
  auto all = access_witnesses(b64_only, Arch::x86_64);
  std::set<std::string> unrecorded;
  for (const auto& w : all)
    if (w.required && w.event.abi == Abi::b32) {
      EXPECT_FALSE(w.expected.recorded()) << describe(w.event);
      EXPECT_EQ(w.region.rfind("uncovered: b32", 0), 0U) << w.region;
      unrecorded.insert(w.event.syscall);
    }
  EXPECT_EQ(unrecorded, (std::set<std::string>{"creat", "ftruncate", "open", "open_by_handle_at", "openat", "truncate"}));
}

}  // namespace
}  // namespace auditvm::check

namespace auditvm::check {
namespace {

// A rule's own check-text lines as a rules file for `arch`: the names its ABI lacks dropped from
// -S lists (auditctl refuses them; the STIG's lines are corrected so for aarch64).
std::string stig_lines_for(const StigRule& rule, Arch arch) {
  std::string out;
  for (std::string line : rule.literal_rules) {
    auto s = line.find(" -S ");
    auto end = line.find(' ', s + 4);
    std::string kept, list = line.substr(s + 4, end - s - 4);
    Abi abi = line.find("arch=b32") != std::string::npos ? Abi::b32 : Abi::b64;
    for (std::size_t pos = 0, comma; pos <= list.size(); pos = comma + 1) {
      comma = std::min(list.find(',', pos), list.size());
      std::string name = list.substr(pos, comma - pos);
      if (rules::syscall_number(arch, abi, name)) kept += (kept.empty() ? "" : ",") + name;
    }
    out += line.substr(0, s + 4) + kept + line.substr(end) + "\n";
  }
  return out;
}

// The cost of proving every syscall rule at once: the witnesses the STIG's own lines get, per
// rule and arch (each is one forked call in the guest, 40-80 ms under TCG).
TEST(StigWitnesses, TheStigsOwnLinesAreNotAFindingAndCostABoundedNumberOfWitnesses) {
  std::size_t total = 0;
  for (Arch arch : {Arch::x86_64, Arch::aarch64})
    for (const auto& rule : coverage_rules_for("all")) {
      if (rule.kind == "path_coverage") continue;  // path accesses, not syscall events: vm_path_witness_test
      auto loaded = rules::parse_rules(stig_lines_for(rule, arch), arch, rule.group_id);
      EXPECT_EQ(evaluate(loaded, arch, rule).verdict, Verdict::NotAFinding) << rule.group_id << " " << to_string(arch);
      auto all = choose_witnesses(loaded, arch, rule, {}, call_outcome_feasible);
      std::size_t required = 0;
      for (const auto& w : all) {
        required += w.required;
        if (w.required) EXPECT_TRUE(w.expected.recorded()) << rule.group_id << " " << describe(w.event);
      }
      std::cout << rule.group_id << " " << to_string(arch) << ": " << all.size() << " witnesses, " << required << " required\n";
      EXPECT_GT(required, 0U) << rule.group_id;  // V-268091 too: execs of the setuid- and setgid-root copies
      total += all.size();
    }
  std::cout << "total " << total << "\n";
}

}  // namespace
}  // namespace auditvm::check

namespace auditvm::check {
namespace {

// Calls that open a file return a descriptor: the kernel records that, not 0, as their exit. A
// successful open's witness asks for the descriptor the runner gives (kOpenedDescriptor), and the
// model judges `-F exit=` against it.
TEST(FdWitnesses, ASuccessfulOpenIsPredictedWithTheDescriptorItReturns) {
  StigRule rule = find_stig_rule("V-268098");
  for (auto& required : rule.required) {
    required.successes = true;
    required.failure_errnos.clear();
  }
  const std::string zero = "-a always,exit -F arch=b64 -S openat,truncate -F exit=0 -F auid>=1000 -F auid!=unset -k zero\n";
  auto all = choose_witnesses(rules::parse_rules(zero, Arch::x86_64, "t"), Arch::x86_64, rule, {}, call_outcome_feasible);
  bool openat = false, truncate = false;
  for (const auto& w : all) {
    if (w.event.abi != Abi::b64 || !w.event.success) continue;
    if (w.event.syscall == "openat") {
      openat = true;
      EXPECT_EQ(w.event.exit_code, kOpenedDescriptor) << describe(w.event);
      EXPECT_FALSE(w.expected.recorded()) << describe(w.event) << ": exit=0 never matches a descriptor";
    }
    if (w.event.syscall == "truncate" && w.required) {
      truncate = true;
      EXPECT_EQ(w.event.exit_code, 0);
      EXPECT_TRUE(w.expected.recorded()) << describe(w.event);
    }
  }
  EXPECT_TRUE(openat && truncate);
  // A rule on the descriptor's value records it; one on another value does not.
  Event open_event;
  open_event.abi = Abi::b64;
  open_event.syscall = "openat";
  open_event.auid = 1000;
  open_event.exit_code = kOpenedDescriptor;
  auto fd_rule = rules::parse_rules("-a always,exit -F arch=b64 -S openat -F exit=" + std::to_string(kOpenedDescriptor) + " -k fd\n", Arch::x86_64, "t");
  EXPECT_TRUE(predict(fd_rule, Arch::x86_64, open_event).recorded());
  EXPECT_FALSE(predict(rules::parse_rules(zero, Arch::x86_64, "t"), Arch::x86_64, open_event).recorded());
}

TEST(FdWitnesses, TheRunnerMakesAnOpenSucceedOnlyWithItsDescriptor) {
  Event e;
  e.abi = Abi::b64;
  e.syscall = "open";
  e.exit_code = 0;
  EXPECT_EQ(call_outcome(e), nullptr);
  e.exit_code = kOpenedDescriptor;
  ASSERT_NE(call_outcome(e), nullptr);
  EXPECT_EQ(call_outcome(e)->error_number, 0);
  EXPECT_EQ(success_exit("open_by_handle_at"), kOpenedDescriptor);
  EXPECT_EQ(success_exit("creat"), kOpenedDescriptor);
  EXPECT_EQ(success_exit("truncate"), 0);
  e.syscall = "truncate";
  EXPECT_EQ(call_outcome(e), nullptr);
}

}  // namespace
}  // namespace auditvm::check

namespace auditvm::check {
namespace {

// Contrived model mistakes, one per kind of boundary the chooser keeps, each on a STIG rule's own
// lines: the real model stands in for the kernel, the contrived one predicts, and some witness
// must show them apart (as in the guest, where the kernel's records do). Fewer witnesses must not
// mean fewer mistakes caught.
struct Mistake {
  const char* rule;
  const char* what;
  bool (*wrong_for)(const Event& event);  // where the contrived model says "no record"
};

const Mistake kMistakes[] = {
    {"V-268163", "no auid=0 lines", [](const Event& e) { return e.auid == 0; }},
    {"V-268096", "auid>=1000 read as auid>1000", [](const Event& e) { return e.auid == 1000; }},
    {"V-268094", "the highest login uid left out", [](const Event& e) { return e.auid == 4294967294U; }},
    {"V-268095", "b32 unlinkat forgotten", [](const Event& e) { return e.abi == Abi::b32 && e.syscall == "unlinkat"; }},
    {"V-268098", "EPERM read as not matching exit=-EPERM", [](const Event& e) { return e.exit_code == -EPERM; }},
    {"V-268099", "calls by root not recorded", [](const Event& e) { return e.uid == 0; }},
    {"V-268100", "calls by users not recorded", [](const Event& e) { return e.uid != 0; }},
    {"V-268100", "successful fchmod not recorded", [](const Event& e) { return e.syscall == "fchmod" && e.success; }},
    {"V-268163", "a process that set its own login uid not recorded", [](const Event& e) { return e.login == LoginMode::self; }},
};

TEST(StigWitnesses, AContrivedModelMistakeInEachSyscallFamilyIsCaughtByAWitness) {
  for (Arch arch : {Arch::x86_64, Arch::aarch64})
    for (const auto& mistake : kMistakes) {
      const StigRule rule = find_stig_rule(mistake.rule);
      auto loaded = rules::parse_rules(stig_lines_for(rule, arch), arch, rule.group_id);
      Predictor contrived = [&](const rules::RuleSet& r, Arch a, const Event& e) {
        auto p = predict(r, a, e);
        if (mistake.wrong_for(e)) p = {Fate::no_rule, 0, "", "contrived"};
        return p;
      };
      int caught = 0;
      for (const auto& w : choose_witnesses(loaded, arch, rule, {}, call_outcome_feasible, contrived))
        caught += w.expected.recorded() != predict(loaded, arch, w.event).recorded();
      EXPECT_GT(caught, 0) << mistake.rule << " " << to_string(arch) << ": " << mistake.what;
    }
}

}  // namespace
}  // namespace auditvm::check
