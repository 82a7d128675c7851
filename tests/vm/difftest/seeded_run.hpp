// `auditvm difftest --count N --seed S` per arch, as the tests run it: no shrinking (CI time stays
// about a cell per set), every disagreement checked against tests/difftest/known-disagreements.txt,
// every distinct one kept as a fixture.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <iostream>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "core/files.hpp"
#include "core/process.hpp"
#include "rules/parser.hpp"

namespace auditvm::test {

inline std::set<std::string> known_signatures() {
  std::set<std::string> out;
  for (const auto& line : rules::rule_lines(read_file(std::string(AUDITVM_SOURCE_ROOT) + "/tests/difftest/known-disagreements.txt"))) out.insert(line.text);
  return out;
}

// An entry ending in '*' stands for every signature it begins (a class of refusals lint lacks).
inline bool is_known(const std::string& signature) {
  static const auto known = known_signatures();
  for (const auto& k : known)
    if (k == signature || (!k.empty() && k.back() == '*' && signature.rfind(k.substr(0, k.size() - 1), 0) == 0)) return true;
  return false;
}

struct SeededRunOptions {
  int count = 50;
  int seed = 1;
  // A set the machine lost (it could not be run twice: a guest that hung or panicked under TCG)
  // says nothing about the model: counted as inconclusive instead of failing the run.
  bool lost_sets_inconclusive = false;
};

// Fails on any disagreement not known, and (unless lost sets are inconclusive) on any error.
inline void expect_seeded_run(const std::string& arch, const std::filesystem::path& dir, const SeededRunOptions& o) {
  auto run = run_process({AUDITVM_BINARY, "--quiet", "difftest", "--arch", arch, "--count", std::to_string(o.count), "--seed", std::to_string(o.seed),
                          "--shrink-budget", "0", "--accel", "tcg", "--format", "json", "--keep", (dir / "keep").string(), "--report-dir",
                          (dir / "reports").string()});
  ASSERT_TRUE(run.exit_code == 0 || run.exit_code == 1 || (o.lost_sets_inconclusive && run.exit_code == 2 && !run.out.empty()))
      << run.exit_code << "\n" << run.err << run.out;
  auto json = nlohmann::json::parse(run.out);
  EXPECT_EQ(json["arch"], arch);
  EXPECT_EQ(json["seed"], o.seed);
  const int judged = json["rule_sets"].get<int>() - static_cast<int>(json["inconclusive"].size());
  std::cerr << "difftest " << arch << " --count " << o.count << " --seed " << o.seed << ": " << json["rule_sets"] << " sets run, " << judged << " judged, "
            << json["witness_events"] << " witness events, " << json["disagreements"].size() << " disagreements, " << json["errors"].size() << " lost, "
            << json["seconds"] << " s\n";
  if (o.lost_sets_inconclusive) {
    for (const auto& e : json["errors"]) std::cerr << "inconclusive (lost to the machine): " << e.get<std::string>() << "\n";
    if (judged == 0) GTEST_SKIP() << "every set was lost to the machine: inconclusive\n" << json["errors"].dump(2);
  } else {
    EXPECT_EQ(json["rule_sets"], o.count);
    EXPECT_TRUE(json["errors"].empty()) << json["errors"].dump(2);
    EXPECT_EQ(run.exit_code, json["disagreements"].empty() ? 0 : 1);
  }
  EXPECT_GT(json["witness_events"].get<int>(), judged * 20);
  std::size_t kept = 0;
  for (const auto& d : json["disagreements"]) {
    if (!d.contains("same_as")) ++kept;
    EXPECT_TRUE(is_known(d["signature"].get<std::string>())) << "a new disagreement (" << d["source"].get<std::string>() << "): " << d["signature"].get<std::string>()
                                                                << "\nrule set:\n" << d["rules"].get<std::string>() << "model: " << d["model"].get<std::string>()
                                                                << "\nkernel: " << d["kernel"].get<std::string>();
  }
  std::size_t files = 0;
  if (std::filesystem::exists(dir / "keep"))
    for (const auto& entry : std::filesystem::directory_iterator(dir / "keep")) files += entry.path().extension() == ".rules";
  EXPECT_EQ(files, kept);
}

}  // namespace auditvm::test
