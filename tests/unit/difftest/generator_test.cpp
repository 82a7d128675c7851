#include "difftest/generator.hpp"

#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <set>

#include "check/load_simulation.hpp"
#include "nixos/render.hpp"
#include "rules/syscall_table.hpp"

namespace auditvm::difftest {
namespace {

TEST(Generator, TheSameSeedAndIndexGiveTheSameSetAloneOrInARun) {
  for (Arch arch : all_arches()) {
    auto alone = generate_rule_set(arch, 1, 17);
    for (std::uint64_t i = 0; i < 17; ++i) generate_rule_set(arch, 1, i);  // other sets drawn first change nothing
    auto again = generate_rule_set(arch, 1, 17);
    EXPECT_EQ(alone.lines, again.lines);
    EXPECT_EQ(alone.form, again.form);
    EXPECT_EQ(alone.lint_loads, again.lint_loads);
  }
}

TEST(Generator, OtherSeedsAndIndexesGiveOtherSets) {
  std::set<std::vector<std::string>> distinct;
  for (std::uint64_t seed : {1, 2})
    for (std::uint64_t i = 0; i < 50; ++i) distinct.insert(generate_rule_set(Arch::x86_64, seed, i).lines);
  EXPECT_GT(distinct.size(), 90U);
}

TEST(Generator, LintsPredictionIsTheOneRecorded) {
  for (std::uint64_t i = 0; i < 200; ++i) {
    auto set = generate_rule_set(Arch::aarch64, 5, i);
    auto load = check::simulate_load(nixos::render_rules(configuration_for(set.lines)), Arch::aarch64, "t");
    EXPECT_EQ(load.complete(), set.lint_loads) << set.text();
  }
}

TEST(Generator, EveryGrammarFieldIsOneLibauditKnows) {
  for (const auto& field : grammar_fields()) EXPECT_TRUE(rules::is_known_field(field)) << field;
}

// Over many sets, every list, field, operator, control line and form shows up, and most sets load.
class GeneratorCoverage : public ::testing::TestWithParam<Arch> {};

TEST_P(GeneratorCoverage, EveryPartOfTheGrammarAppears) {
  const Arch arch = GetParam();
  // The rarest fields (one of ten in a family of weight 1) come only a few times in 3000 sets.
  const int count = 6000;
  std::map<std::string, int> seen;
  int loading = 0, module_sets = 0;
  const std::regex field_op(R"(-F ([a-z_0-9]+)(!=|<=|>=|&=|=|<|>|&)(\S+))");
  for (int i = 0; i < count; ++i) {
    auto set = generate_rule_set(arch, 1, static_cast<std::uint64_t>(i));
    loading += set.lint_loads;
    seen[std::string("form ") + std::string(to_string(set.form))]++;
    bool module = false;
    for (const auto& line : set.lines) {
      for (std::sregex_iterator it(line.begin(), line.end(), field_op), end; it != end; ++it) {
        seen["field " + (*it)[1].str()]++;
        seen["op " + (*it)[2].str()]++;
        if ((*it)[1] == "auid") seen["auid value " + (*it)[3].str()]++;
      }
      for (std::string list : {"exit", "task", "exclude", "user", "filesystem"})
        if (line.find("always," + list) != std::string::npos || line.find("never," + list) != std::string::npos ||
            line.find(" " + list + ",") != std::string::npos)
          seen["list " + list]++;
      for (std::string word : {"-A ", "-d ", "-C ", "-w ", " -k ", "never", "always"})
        if (line.find(word) != std::string::npos) seen[word]++;
      for (std::string control : {"-D", "-e 0", "-e 1", "-b 8192", "-f 1", "--backlog_wait_time 60000", "--reset-lost"})
        if (line == control) seen[control]++;
      if (std::regex_search(line, std::regex(R"(-S (\S+,)?[0-9]+\b)"))) seen["numeric syscall"]++;
      if ((line.rfind("-a ", 0) == 0) && line.find("arch=") == std::string::npos && line.find(",exit") != std::string::npos)
        seen["exit rule without arch"]++;
      if (line.find("arch=b32") != std::string::npos) seen["b32"]++;
      if (line.find("-S all") != std::string::npos) seen["-S all"]++;
      if (line.find("_module") != std::string::npos) module = true;
    }
    module_sets += module;
  }
  for (const auto& field : grammar_fields()) EXPECT_GT(seen["field " + field], 0) << field;
  for (std::string op : {"=", "!=", "<", ">", "<=", ">=", "&", "&="}) EXPECT_GT(seen["op " + op], 0) << op;
  for (std::string v : {"999", "1000", "4294967294", "4294967295", "unset", "-1"}) EXPECT_GT(seen["auid value " + v], 0) << v;
  for (std::string list : {"exit", "task", "exclude", "user", "filesystem"}) EXPECT_GT(seen["list " + list], 0) << list;
  for (std::string word : {"-A ", "-d ", "-C ", "-w ", " -k ", "never", "always", "-D", "-e 0", "-e 1", "-b 8192", "-f 1",
                           "--backlog_wait_time 60000", "--reset-lost", "numeric syscall", "exit rule without arch", "b32",
                           "-S all", "form rules file", "form auditctl -l"})
    EXPECT_GT(seen[word], 0) << word;
  // Both forms in earnest; the listing form writes keys as -F key=.
  EXPECT_GT(seen["form auditctl -l"], count / 5);
  EXPECT_GT(seen["field key"], 0);
  // Mostly sets that load (lint's prediction of the others is judged too), mostly about module calls.
  EXPECT_GT(loading, count * 80 / 100);
  EXPECT_LT(loading, count * 97 / 100);
  EXPECT_GT(module_sets, count * 70 / 100);
}

INSTANTIATE_TEST_SUITE_P(BothArches, GeneratorCoverage, ::testing::Values(Arch::x86_64, Arch::aarch64),
                         [](const auto& info) { return std::string(to_string(info.param)); });

}  // namespace
}  // namespace auditvm::difftest
