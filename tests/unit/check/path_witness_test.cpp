// Path witnesses chosen from the model's pieces: each uncovered piece gets an access inside it,
// each recorded piece its login uid ends as root and as a user, both ABIs, and the callers just
// outside the required login uids.
#include <gtest/gtest.h>

#include <algorithm>

#include "check/path_witness.hpp"
#include "rules/parser.hpp"

namespace auditvm::check {
namespace {

std::vector<PathWitness> chosen(const std::string& text, const std::string& group, Arch arch = Arch::x86_64) {
  return choose_path_witnesses(rules::parse_rules(text, arch, "rules"), arch, find_stig_rule(group));
}

std::string lines_of(const std::string& group) {
  std::string text;
  for (const auto& line : find_stig_rule(group).literal_rules) text += line + "\n";
  return text;
}

std::size_t count_if(const std::vector<PathWitness>& list, const std::function<bool(const PathWitness&)>& test) {
  return static_cast<std::size_t>(std::count_if(list.begin(), list.end(), test));
}

TEST(PathWitness, TheStigsWatchesGetBothEndsOfTheLoginUidsOnEachAbiPathAndAccess) {
  auto list = chosen(lines_of("V-268167"), "V-268167");
  // 6 files x write, attr x b64, b32 x (auid 0 as root, unset as a user); nothing outside (every auid is required).
  EXPECT_EQ(list.size(), 48u);
  for (const auto& w : list) {
    EXPECT_TRUE(w.required);
    EXPECT_EQ(w.region.rfind("covered: ", 0), 0u) << w.region;
    EXPECT_EQ(w.target, w.access.path);
    if (w.access.event.uid == 0) EXPECT_TRUE(w.access.event.success);
    else EXPECT_EQ(w.access.event.exit_code, w.access.access == "attr" ? -1 : -13);
  }
  EXPECT_EQ(count_if(list, [](const PathWitness& w) { return w.access.event.abi == Abi::b32; }), 24u);
  EXPECT_EQ(count_if(list, [](const PathWitness& w) { return w.access.event.syscall == "fchmodat"; }), 24u);
  EXPECT_EQ(count_if(list, [](const PathWitness& w) { return w.access.event.auid == rules::kUnsetId && w.access.event.uid == 1000; }), 24u);
}

TEST(PathWitness, AnExecRuleGetsItsEndsAndTheCallersJustOutside) {
  auto list = chosen(lines_of("V-268164"), "V-268164", Arch::aarch64);
  ASSERT_EQ(list.size(), 8u);  // (1000 root, 4294967294 user) + outside (999, unset), per ABI
  for (const auto& w : list) {
    EXPECT_EQ(w.access.event.syscall, "execve");
    EXPECT_TRUE(w.access.event.success);
    EXPECT_EQ(w.required, w.access.event.auid >= 1000 && w.access.event.auid <= 4294967294u) << w.region;
  }
}

TEST(PathWitness, ADirectoryIsWitnessedThroughAnEntry) {
  auto list = chosen(lines_of("V-268097"), "V-268097");
  EXPECT_GT(count_if(list, [](const PathWitness& w) { return w.target == "/var/cron/tabs/auditvm-witness" && w.access.path == "/var/cron/tabs/"; }), 0u);
}

TEST(PathWitness, EachUncoveredPieceGetsAWitnessInsideIt) {
  // b64 only, -p w, auid>1000: b32 everything, attr everything, auid 1000 uncovered.
  auto list = chosen("-a always,exit -F arch=b64 -S all -F path=/var/log/lastlog -F perm=w -F auid>1000 -k logins\n", "V-268166");
  auto result = evaluate(rules::parse_rules("-a always,exit -F arch=b64 -S all -F path=/var/log/lastlog -F perm=w -F auid>1000 -k logins\n",
                                            Arch::x86_64, "rules"),
                         Arch::x86_64, find_stig_rule("V-268166"));
  ASSERT_EQ(result.verdict, Verdict::Open);
  for (const auto& group : result.uncovered)
    EXPECT_GT(count_if(list, [&](const PathWitness& w) { return w.region == "uncovered: " + group.text(); }), 0u) << group.text();
  for (const auto& w : list) {
    auto predicted = predict_access(rules::parse_rules("-a always,exit -F arch=b64 -S all -F path=/var/log/lastlog -F perm=w -F auid>1000 -k logins\n",
                                                       Arch::x86_64, "rules"),
                                    Arch::x86_64, w.access);
    EXPECT_EQ(predicted.recorded(), w.region.rfind("covered: ", 0) == 0) << w.region;
  }
}

}  // namespace
}  // namespace auditvm::check
