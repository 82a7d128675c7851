// The shipped STIG data files against a second, hand-made transcription of the published values
// (data/anduril_nixos_stig_published.tsv, which names its sources): a typo in either fails here.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "check/stig.hpp"
#include "core/errors.hpp"
#include "core/files.hpp"
#include "support/temp_dir.hpp"

namespace auditvm::check {
namespace {

namespace fs = std::filesystem;

// One row of the reference table: field -> value, "?" where no source gives it.
using Row = std::map<std::string, std::string>;
const std::vector<std::string> kColumns = {"group", "release", "rule_id", "stig_id", "srg_id", "severity", "ccis", "title"};

std::map<std::pair<std::string, std::string>, Row> reference_table() {
  std::ifstream in(fs::path(AUDITVM_TEST_DATA) / "anduril_nixos_stig_published.tsv");
  EXPECT_TRUE(in) << "reference table missing";
  std::map<std::pair<std::string, std::string>, Row> rows;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> cells;
    std::stringstream split(line);
    for (std::string cell; std::getline(split, cell, '\t');) cells.push_back(cell);
    EXPECT_EQ(cells.size(), kColumns.size()) << line;
    Row row;
    for (std::size_t i = 0; i < std::min(cells.size(), kColumns.size()); ++i) row[kColumns[i]] = cells[i];
    rows[{row["group"], row["release"]}] = row;
  }
  return rows;
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ",") + item;
  return out;
}

std::string value_of(const StigRule& rule, const std::string& field) {
  if (field == "rule_id") return rule.rule_id;
  if (field == "stig_id") return rule.stig_id;
  if (field == "srg_id") return rule.srg_id;
  if (field == "severity") return rule.severity;
  if (field == "ccis") return joined(rule.ccis);
  if (field == "title") return rule.title;
  ADD_FAILURE() << "no column " << field;
  return "";
}

bool listed_unavailable(const StigRule& rule, const std::string& field) {
  return std::find(rule.unavailable.begin(), rule.unavailable.end(), field) != rule.unavailable.end();
}

TEST(StigData, EveryShippedFileCarriesThePublishedValuesOfV1R1AndV1R2) {
  auto table = reference_table();
  auto rules = load_stig_rules(shipped_stig_dir());
  ASSERT_EQ(rules.size(), 18U);
  std::set<std::string> shipped;
  for (const auto& rule : rules) {
    shipped.insert(rule.group_id);
    EXPECT_EQ(rule.release, "V1R1") << rule.group_id;
    EXPECT_EQ(rule.release_date, "2024-10-25") << rule.group_id;
    EXPECT_FALSE(rule.sources.empty()) << rule.group_id;
    for (const std::string release : {"V1R1", "V1R2"}) {
      auto row = table.find({rule.group_id, release});
      ASSERT_NE(row, table.end()) << rule.group_id << " " << release << " is not in the reference table";
      StigRule published = release == rule.release ? rule : in_release(rule, release);
      for (const auto& field : kColumns) {
        if (field == "group" || field == "release") continue;
        const std::string& expected = row->second.at(field);
        SCOPED_TRACE(rule.group_id + " " + release + " " + field);
        if (expected == "?") {
          EXPECT_TRUE(listed_unavailable(published, field)) << "the table has no source for it, the file has: " << value_of(published, field);
        } else {
          EXPECT_FALSE(listed_unavailable(published, field));
          EXPECT_EQ(value_of(published, field), expected);
        }
      }
    }
  }
  for (const auto& [key, row] : table) EXPECT_TRUE(shipped.count(key.first)) << key.first << " is in the table but not shipped";
}

TEST(StigData, ALaterReleaseChangesOnlyWhatItPublishesDifferently) {
  auto rule = find_stig_rule("V-268119");
  auto v1r2 = in_release(rule, "V1R2");
  EXPECT_EQ(v1r2.release, "V1R2");
  EXPECT_EQ(v1r2.release_date, "2025-08-19");
  EXPECT_EQ(v1r2.rule_id, "SV-268119r1131040_rule");
  EXPECT_NE(v1r2.check_text.find("logon UIDs"), std::string::npos);
  EXPECT_EQ(v1r2.discussion, rule.discussion);  // unchanged in V1R2
  EXPECT_EQ(v1r2.literal_rules, rule.literal_rules);
  EXPECT_THROW(in_release(rule, "V9R9"), InputError);
}

// Writes the shipped `shipped` (a file of scenarios/stig) with one edit and expects the loader to
// name `pointer` and, with `at_value_line`, the offending value's line (a value inside a
// multi-line array is named at its member's line instead).
void expect_rejected_in(const std::string& shipped, const std::string& from, const std::string& to, const std::string& pointer,
                        bool at_value_line = true) {
  std::string text = read_file(shipped_stig_dir() / shipped, FileKind::data);
  auto at = text.find(from);
  ASSERT_NE(at, std::string::npos) << from;
  text.replace(at, from.size(), to);
  // A directory of its own: ctest runs the cases that call this in parallel.
  const fs::path dir = test::make_temp_dir("bad-stig-rule");
  const fs::path file = dir / shipped;
  std::ofstream(file) << text;
  try {
    load_stig_rule(file);
    ADD_FAILURE() << "accepted " << to;
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().file, file.string());
    EXPECT_EQ(e.where().field, pointer) << e.what();
    // The line of the offending value; a missing field is the object's, line 1.
    int line = to.empty() ? 1 : 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
    if (at_value_line) EXPECT_EQ(e.where().line, line) << e.what();
  }
  fs::remove_all(dir);
}

void expect_rejected(const std::string& from, const std::string& to, const std::string& pointer) {
  expect_rejected_in("V-268095.json", from, to, pointer);
}

TEST(StigData, TheLoaderRejectsMalformedPublishedValues) {
  expect_rejected(R"("rule_id": "SV-268095r1039562_rule")", R"("rule_id": "SV-268096r1039562_rule")", "/rule_id");
  expect_rejected(R"("rule_id": "SV-268095r1039562_rule")", R"("rule_id": "SV-268095_rule")", "/rule_id");
  expect_rejected(R"("stig_id": "ANIX-00-000280")", R"("stig_id": "ANIX-00-00028")", "/stig_id");
  expect_rejected(R"("srg_id": "SRG-OS-000042-GPOS-00020")", R"("srg_id": "SRG-OS-42")", "/srg_id");
  expect_rejected(R"("severity": "medium")", R"("severity": "moderate")", "/severity");
  // A field that is neither given nor declared unavailable, one declared unavailable but given, an unknown name.
  expect_rejected(R"("stig_id": "ANIX-00-000280",)", "", "/stig_id");
  expect_rejected(R"("unavailable": [)", R"("unavailable": ["rule_id", )", "/unavailable/0");
  expect_rejected(R"("unavailable": [)", R"("unavailable": ["colour", )", "/unavailable/0");
  expect_rejected(R"("release": "V1R1")", R"("release": "first")", "/release");
  expect_rejected(R"("release": "V1R2")", R"("release": "V1R1")", "/later_releases/0/release");
  expect_rejected(R"("ccis",)", R"("ccis_", )", "/unavailable/0");
  expect_rejected(R"("severity": "medium")", R"("severity": 2)", "/severity");
  expect_rejected(R"("group_id": "V-268095")", R"("group_id": "268095")", "/group_id");
}

// The watch and path rules: the paths and kinds of access the check text's lines are there to record.
TEST(StigData, WatchAndPathRulesNameThePathsAndAccessTheyRequire) {
  auto identity = find_stig_rule("V-268167");
  EXPECT_EQ(identity.kind, "path_coverage");
  ASSERT_EQ(identity.required_access.size(), 1U);
  EXPECT_EQ(identity.required_access[0].paths,
            (std::vector<std::string>{"/etc/sudoers", "/etc/passwd", "/etc/shadow", "/etc/gshadow", "/etc/group", "/etc/security/opasswd"}));
  EXPECT_EQ(identity.required_access[0].access, (std::vector<std::string>{"write", "attr"}));
  EXPECT_EQ(identity.literal_rules.size(), 6U);
  auto usermod = find_stig_rule("V-268164");
  ASSERT_EQ(usermod.required_access.size(), 1U);
  EXPECT_EQ(usermod.required_access[0].access, (std::vector<std::string>{"exec"}));
  ASSERT_EQ(usermod.required_access[0].auids.size(), 1U);
  EXPECT_EQ(usermod.required_access[0].auids[0].lo, 1000);
  EXPECT_EQ(usermod.required_access[0].auids[0].hi, 4294967294);
  EXPECT_NE(find_stig_rule("V-268097").check_text.find("-w /var/cron/tabs/ -p wa -k services"), std::string::npos);
  // `--stig all` judges the syscall and the path rules, not the state checks.
  int paths = 0;
  for (const auto& rule : coverage_rules_for("all")) {
    EXPECT_NE(rule.kind, "status") << rule.group_id;
    paths += rule.kind == "path_coverage";
  }
  EXPECT_EQ(paths, 5);
  EXPECT_EQ(coverage_rules_for("V-268166").at(0).kind, "path_coverage");
}

void expect_access_rejected(const std::string& from, const std::string& to, const std::string& pointer, bool at_value_line = true) {
  expect_rejected_in("V-268166.json", from, to, pointer, at_value_line);
}

TEST(StigData, TheLoaderRejectsMalformedRequiredAccess) {
  expect_access_rejected(R"("/var/log/lastlog")", R"("var/log/lastlog")", "/required/0/paths/0");
  expect_access_rejected(R"("write")", R"("append")", "/required/0/access/0");
  expect_access_rejected(R"("kind": "path_coverage")", R"("kind": "watch")", "/kind");
  expect_access_rejected(R"("outcome": "any")", R"("outcome": "some")", "/required/0/outcome");
  expect_access_rejected(R"(4294967295)", R"(4294967296)", "/required/0/auid", false);
}

TEST(StigData, CcisMustBeCciIds) {
  expect_rejected_in("V-268119.json", R"("CCI-000164")", R"("CCI-16")", "/later_releases/0/ccis/1");
}

}  // namespace
}  // namespace auditvm::check
