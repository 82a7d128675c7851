#include "difftest/shrinker.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace auditvm::difftest {
namespace {

bool has(const Lines& lines, const std::string& line) { return std::find(lines.begin(), lines.end(), line) != lines.end(); }

Lines numbered(int count) {
  Lines out;
  for (int i = 0; i < count; ++i) out.push_back("-a always,exit -F arch=b64 -S init_module -k k" + std::to_string(i));
  return out;
}

TEST(Shrinker, FindsTheTwoLinesThatTogetherFail) {
  auto lines = numbered(12);
  const auto x = lines[3], y = lines[9];
  int calls = 0;
  auto result = shrink(lines, [&](const Lines& c) {
    ++calls;
    return has(c, x) && has(c, y);
  });
  EXPECT_EQ(result.lines, (Lines{x, y}));
  EXPECT_EQ(result.tests, calls);
  EXPECT_FALSE(result.exhausted);
}

TEST(Shrinker, KeepsTheOrderOfTheLinesThatMatter) {
  auto lines = numbered(6);
  const auto a = lines[1], b = lines[4];
  // Fails only when b comes after a (as rule order does on the exit list).
  auto still = [&](const Lines& c) {
    auto ia = std::find(c.begin(), c.end(), a), ib = std::find(c.begin(), c.end(), b);
    return ia != c.end() && ib != c.end() && ia < ib;
  };
  EXPECT_EQ(shrink(lines, still).lines, (Lines{a, b}));
}

TEST(Shrinker, SimplifiesWithinALine) {
  Lines lines = {"-w /etc/passwd -p wa", "-a always,exit -F arch=b64 -S init_module,finit_module,delete_module -F auid>=1000 -F auid!=unset -k module_chng",
                 "-D"};
  // Fails whenever finit_module is audited with an auid condition.
  auto still = [](const Lines& c) {
    for (const auto& line : c)
      if (line.find("finit_module") != std::string::npos && line.find("auid>=1000") != std::string::npos) return true;
    return false;
  };
  auto result = shrink(lines, still);
  EXPECT_EQ(result.lines, (Lines{"-a always,exit -S finit_module -F auid>=1000"}));
}

TEST(Shrinker, AFailureWithoutRulesShrinksToTheEmptySet) {
  EXPECT_TRUE(shrink(numbered(5), [](const Lines&) { return true; }).lines.empty());
}

TEST(Shrinker, IsDeterministicAndAsksNoCandidateTwice) {
  auto lines = numbered(9);
  std::vector<Lines> first, second;
  auto still = [&](std::vector<Lines>& log) {
    return [&, lines](const Lines& c) {
      log.push_back(c);
      return has(c, lines[2]) && has(c, lines[7]) && c.size() <= 4;
    };
  };
  auto a = shrink(lines, still(first)), b = shrink(lines, still(second));
  EXPECT_EQ(a.lines, b.lines);
  EXPECT_EQ(first, second);
  auto sorted = first;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(std::adjacent_find(sorted.begin(), sorted.end()), sorted.end());
  EXPECT_EQ(std::find(first.begin(), first.end(), lines), first.end());  // the input is known to fail
}

TEST(Shrinker, StopsAtTheBudget) {
  auto lines = numbered(16);
  auto result = shrink(lines, [&](const Lines& c) { return has(c, lines[0]) && has(c, lines[15]); }, 3);
  EXPECT_EQ(result.tests, 3);
  EXPECT_TRUE(result.exhausted);
  EXPECT_TRUE(has(result.lines, lines[0]) && has(result.lines, lines[15]));
}

TEST(Shrinker, LineSimplificationsDropOneOptionOrOneSyscall) {
  auto out = line_simplifications("-a always,exit -F arch=b64 -S init_module,finit_module -F auid>=1000 -k m");
  EXPECT_EQ(out, (Lines{"-a always,exit -S init_module,finit_module -F auid>=1000 -k m",
                        "-a always,exit -F arch=b64 -S finit_module -F auid>=1000 -k m",
                        "-a always,exit -F arch=b64 -S init_module -F auid>=1000 -k m",
                        "-a always,exit -F arch=b64 -S init_module,finit_module -k m",
                        "-a always,exit -F arch=b64 -S init_module,finit_module -F auid>=1000"}));
  // Several -S options: each may go whole.
  EXPECT_EQ(line_simplifications("-a always,exit -S init_module -S delete_module"),
            (Lines{"-a always,exit -S delete_module", "-a always,exit -S init_module"}));
  EXPECT_TRUE(line_simplifications("-D").empty());
  EXPECT_TRUE(line_simplifications("-a always,exit").empty());
}

}  // namespace
}  // namespace auditvm::difftest
