// A reduced matrix on both arches in real guests: verdicts, records, and reuse == fresh.
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>

#include "check/coverage.hpp"
#include "check/stig.hpp"
#include "core/text.hpp"
#include "image/builder.hpp"
#include "image/nix_builder.hpp"
#include "scenario/matrix.hpp"
#include "support/matrix_runs.hpp"
#include "support/temp_dir.hpp"

namespace auditvm::scenario {
namespace {

namespace fs = std::filesystem;

RunOptions options_for(const std::vector<std::string>& configurations, bool fresh, const fs::path& report_dir) {
  RunOptions options;
  options.configurations = configurations;
  options.fresh_vm = fresh;
  options.jobs = 2;
  options.accel = machine::Accel::tcg;  // what CI has
  options.report_dir = report_dir;
  options.quiet = true;
  options.guest_for = test::cached_default_guest;
  return options;
}

using test::fingerprint;

class ScenarioVmTest : public test::TempDirTest {
 protected:
  ScenarioVmTest() : TempDirTest("scenario") {}
  void SetUp() override {
    TempDirTest::SetUp();
    scenarios_ = {load_scenario(check::shipped_scenarios_dir() / "V-268096.json")};
  }
  std::vector<Scenario> scenarios_;
};

TEST_F(ScenarioVmTest, ReducedMatrixOnBothArchesIsAsSpecifiedAndReuseEqualsFresh) {
  std::vector<std::string> configurations{"stig-fix", "never-shadows-finit", "b64-only", "kernel-log"};
  auto reused = run_matrix(scenarios_, options_for(configurations, false, dir_ / "reuse"));
  ASSERT_EQ(reused.cells.size(), 8U);
  for (const auto& cell : reused.cells) {
    EXPECT_EQ(cell.status(), report::Status::pass) << cell.id() << " " << cell.infra_error;
    for (const auto& a : cell.assertions) EXPECT_EQ(a.status, report::Status::pass) << cell.id() << ": " << a.name << ": " << a.message;
    EXPECT_EQ(cell.verdict, cell.expected_verdict) << cell.id();
    EXPECT_TRUE(fs::exists(cell.audit_log)) << cell.id();
    // V-268080 and V-268090 from what the busybox guest shows: auditd's process (kernel-log has none)
    // and the audit package's programs; no service manager, so no unit is asked for.
    ASSERT_TRUE(cell.evidence) << cell.id();
    const bool auditd = cell.configuration != "kernel-log";
    EXPECT_EQ(cell.evidence->services, std::string("init other\nauditd ") + (auditd ? "active" : "inactive") + "\naudit_package installed\n")
        << cell.id();
    std::map<std::string, check::Verdict> state;
    for (const auto& row : cell.evidence->status_checks) state[row.rule] = row.verdict;
    EXPECT_EQ(state.at("V-268080"), auditd ? check::Verdict::NotAFinding : check::Verdict::Open) << cell.id();
    EXPECT_EQ(state.at("V-268090"), check::Verdict::NotAFinding) << cell.id();
  }
  // The never rule: the auditor's grep passes, the records are missing, and both are reported.
  auto shadow = std::find_if(reused.cells.begin(), reused.cells.end(), [](const auto& c) { return c.configuration == "never-shadows-finit"; });
  EXPECT_TRUE(shadow->grep_match);
  EXPECT_EQ(shadow->verdict, check::Verdict::Open);
  EXPECT_EQ(shadow->kernel_verdict, check::Verdict::Open);

  auto fresh = run_matrix(scenarios_, options_for(configurations, true, dir_ / "fresh"));
  EXPECT_EQ(fingerprint(reused), fingerprint(fresh));
}

// A manifest that names another kernel and audit userspace than the guest runs (a stale or
// mixed-up image): the cell says so, on both arches, instead of reporting the manifest's versions.
TEST_F(ScenarioVmTest, AGuestOtherThanItsManifestNamesFailsTheCell) {
  auto options = options_for({"stig-fix"}, false, dir_ / "identity");
  options.guest_for = [](const Cell& cell) {
    auto manifest = image::find_image(cell.arch);
    if (!manifest) throw std::runtime_error("build the images first: auditvm image build --arch all");
    manifest->kernel_version = "6.1.0-0-not-this-one";
    manifest->audit_version = "1:9.9.9-1";
    return *manifest;
  };
  auto run = run_matrix(scenarios_, options);
  ASSERT_EQ(run.cells.size(), 2U);
  for (const auto& cell : run.cells) {
    EXPECT_EQ(cell.status(), report::Status::fail) << cell.id();
    auto identity = std::find_if(cell.assertions.begin(), cell.assertions.end(),
                                 [](const auto& a) { return a.name == "the guest runs its image's kernel and audit userspace"; });
    ASSERT_NE(identity, cell.assertions.end()) << cell.id();
    EXPECT_EQ(identity->status, report::Status::fail) << cell.id();
    EXPECT_NE(identity->message.find("its image names 6.1.0-0-not-this-one"), std::string::npos) << identity->message;
    EXPECT_NE(identity->message.find("auditctl is version '3.0.9', its image names 1:9.9.9-1"), std::string::npos) << identity->message;
    ASSERT_TRUE(cell.evidence);
    EXPECT_NE(cell.evidence->uname_r.find(cell.arch == Arch::x86_64 ? "amd64" : "arm64"), std::string::npos) << cell.evidence->uname_r;
  }
}

// A contrived model error: `auid>=1000` read as `auid>1000`. The witnesses at the region's
// boundary (auid 1000) catch it on both arches, as a model mismatch naming the event.
TEST_F(ScenarioVmTest, AContrivedModelErrorIsCaughtByTheWitnesses) {
  auto options = options_for({"stig-fix"}, false, dir_ / "contrived");
  options.predictor = [](const rules::RuleSet& loaded, Arch arch, const check::Event& event) {
    auto prediction = check::predict(loaded, arch, event);
    if (event.auid == 1000) prediction = {check::Fate::no_rule, 0, "", "the contrived model: auid>=1000 as auid>1000"};
    return prediction;
  };
  auto run = run_matrix(scenarios_, options);
  ASSERT_EQ(run.cells.size(), 2U);
  for (const auto& cell : run.cells) {
    EXPECT_EQ(cell.status(), report::Status::model_mismatch) << cell.id();
    ASSERT_TRUE(cell.evidence) << cell.id() << " " << cell.infra_error;
    int caught = 0;
    for (const auto& w : cell.evidence->witnesses) caught += w.event.auid == 1000 && !w.held() && w.recorded();
    EXPECT_GT(caught, 4) << cell.id();
    bool named = false;
    for (const auto& a : cell.assertions)
      named |= a.name == "every witness event did what the model predicted" && a.status == report::Status::model_mismatch &&
               a.message.find("auid 1000") != std::string::npos && a.message.find("the contrived model") != std::string::npos;
    EXPECT_TRUE(named) << cell.id();
  }
}

const report::RuleCheckRow* rule_check(const report::CellResult& cell, const std::string& rule) {
  if (!cell.evidence) return nullptr;
  for (const auto& row : cell.evidence->rule_checks)
    if (row.rule == rule) return &row;
  return nullptr;
}

// A typical mistake per STIG syscall rule (tests/vm/scenario/anduril-mistakes.json): each rule is
// Open on both arches, model and kernel agreeing, and each finding names the witness without a
// record that confirms it, in the region the mistake leaves out.
TEST_F(ScenarioVmTest, AMistakePerStigRuleIsOpenConfirmedByANamedWitnessWithoutARecord) {
  std::vector<Scenario> mistakes{load_scenario(fs::path(AUDITVM_SOURCE_ROOT) / "tests/vm/scenario/anduril-mistakes.json")};
  auto run = run_matrix(mistakes, options_for({}, false, dir_ / "mistakes"));
  ASSERT_EQ(run.cells.size(), 2U);
  // What each mistake leaves out, as its finding must say (a part of it).
  const std::map<std::string, std::string> left_out{{"V-268094", "b32 mount, auid 1000..4294967294"},
                                                     {"V-268095", "unlinkat"},
                                                     {"V-268098", "auid 1000, "},
                                                     {"V-268099", "uid 0..999"},
                                                     {"V-268100", "b32 "},
                                                     {"V-268163", "auid 0, "}};
  for (const auto& cell : run.cells) {
    EXPECT_EQ(cell.status(), report::Status::pass) << cell.id() << " " << cell.infra_error;
    for (const auto& a : cell.assertions) EXPECT_EQ(a.status, report::Status::pass) << cell.id() << ": " << a.name << ": " << a.message;
    EXPECT_EQ(cell.verdict, check::Verdict::NotAFinding) << cell.id();
    for (const auto& [rule, part] : left_out) {
      const auto* row = rule_check(cell, rule);
      ASSERT_NE(row, nullptr) << cell.id() << " " << rule;
      EXPECT_EQ(row->verdict, check::Verdict::Open) << cell.id() << " " << rule;
      EXPECT_EQ(row->kernel_verdict, check::Verdict::Open) << cell.id() << " " << rule;
      bool named = false;
      for (const auto& finding : row->uncovered) {
        EXPECT_NE(finding.find("; confirmed by the kernel: "), std::string::npos) << cell.id() << " " << rule << ": " << finding;
        named |= finding.find(part) != std::string::npos && finding.find("; confirmed by the kernel: ") != std::string::npos;
      }
      EXPECT_TRUE(named) << cell.id() << " " << rule << ": no confirmed finding names " << part;
    }
  }
}

// The watch and path rules judged in cells (tests/vm/scenario/anduril-paths.json): path witnesses
// on both ABIs (writes, attribute changes, execs of usermod, chage and chcon) with the STIG's lines
// leave exactly the predicted records (NotAFinding, model and kernel), and a typical mistake per
// rule is Open on both arches, each finding confirmed by a named witness without a record.
TEST_F(ScenarioVmTest, WatchAndPathRulesAreJudgedInCellsByPathWitnesses) {
  std::vector<Scenario> paths{load_scenario(fs::path(AUDITVM_SOURCE_ROOT) / "tests/vm/scenario/anduril-paths.json")};
  auto run = run_matrix(paths, options_for({}, false, dir_ / "paths"));
  ASSERT_EQ(run.cells.size(), 4U);
  const std::map<std::string, std::string> left_out{{"V-268097", "write /var/cron/tabs/"},
                                                     {"V-268164", "b32 exec /run/current-system/sw/bin/usermod"},
                                                     {"V-268165", "exec /run/current-system/sw/bin/chcon"},
                                                     {"V-268166", "attr /var/log/lastlog"},
                                                     {"V-268167", "/etc/security/opasswd"}};
  for (const auto& cell : run.cells) {
    EXPECT_EQ(cell.status(), report::Status::pass) << cell.id() << " " << cell.infra_error;
    for (const auto& a : cell.assertions) EXPECT_EQ(a.status, report::Status::pass) << cell.id() << ": " << a.name << ": " << a.message;
    ASSERT_TRUE(cell.evidence) << cell.id();
    int b32_paths = 0, execs = 0;
    for (const auto& w : cell.evidence->witnesses)
      if (left_out.count(w.rule)) {
        b32_paths += w.event.abi == Abi::b32 && w.held();
        execs += w.event.syscall == "execve" && w.held() && w.recorded();
      }
    EXPECT_GT(b32_paths, 20) << cell.id();
    EXPECT_GE(execs, cell.configuration == "paths-stig" ? 12 : 2) << cell.id();
    const bool mistakes = cell.configuration == "paths-mistakes";
    for (const auto& [rule, part] : left_out) {
      const auto* row = rule_check(cell, rule);
      ASSERT_NE(row, nullptr) << cell.id() << " " << rule;
      const auto expected = mistakes ? check::Verdict::Open : check::Verdict::NotAFinding;
      EXPECT_EQ(row->verdict, expected) << cell.id() << " " << rule;
      EXPECT_EQ(row->kernel_verdict, expected) << cell.id() << " " << rule;
      if (!mistakes) continue;
      bool named = false;
      for (const auto& finding : row->uncovered) {
        EXPECT_NE(finding.find("; confirmed by the kernel: "), std::string::npos) << cell.id() << " " << rule << ": " << finding;
        named |= finding.find(part) != std::string::npos && finding.find("; confirmed by the kernel: ") != std::string::npos;
      }
      EXPECT_TRUE(named) << cell.id() << " " << rule << ": no confirmed finding names " << part;
    }
  }
}

// V-268091 judged in cells (tests/vm/scenario/anduril-execpriv.json): execs of the setuid-root and
// setgid-root copies by callers of other ids are recorded, plain execs are not, on both ABIs; the
// STIG's lines are NotAFinding and the b64 uid pair alone is Open, confirmed by a witness.
TEST_F(ScenarioVmTest, PrivilegedExecsAreJudgedInCellsBySetuidAndSetgidWitnesses) {
  std::vector<Scenario> execpriv{load_scenario(fs::path(AUDITVM_SOURCE_ROOT) / "tests/vm/scenario/anduril-execpriv.json")};
  auto run = run_matrix(execpriv, options_for({}, false, dir_ / "execpriv"));
  ASSERT_EQ(run.cells.size(), 4U);
  for (const auto& cell : run.cells) {
    EXPECT_EQ(cell.status(), report::Status::pass) << cell.id() << " " << cell.infra_error;
    for (const auto& a : cell.assertions) EXPECT_EQ(a.status, report::Status::pass) << cell.id() << ": " << a.name << ": " << a.message;
    ASSERT_TRUE(cell.evidence) << cell.id();
    int raised = 0, plain_unrecorded = 0;
    for (const auto& w : cell.evidence->witnesses) {
      EXPECT_TRUE(w.held()) << cell.id() << ": " << w.text();
      raised += (w.event.euid == 0 && w.event.uid != 0) || (w.event.egid && *w.event.egid == 0 && w.event.gid != 0);
      plain_unrecorded += w.event.uid == w.event.euid && !w.event.egid && !w.recorded() && !w.required;
    }
    EXPECT_GE(raised, 4) << cell.id();
    EXPECT_GE(plain_unrecorded, 1) << cell.id();
    const bool stig = cell.configuration == "execpriv-stig";
    EXPECT_EQ(cell.verdict, stig ? check::Verdict::NotAFinding : check::Verdict::Open) << cell.id();
    EXPECT_EQ(cell.kernel_verdict, cell.verdict) << cell.id();
    if (!stig) {
      bool b32 = false, gid = false;
      for (const auto& finding : cell.uncovered) {
        EXPECT_NE(finding.find("; confirmed by the kernel: "), std::string::npos) << cell.id() << ": " << finding;
        b32 |= finding.rfind("b32 execve", 0) == 0;
        gid |= finding.find("egid 0") != std::string::npos;
      }
      EXPECT_TRUE(b32 && gid) << cell.id();
    }
  }
}

// The whole audit section (scenarios/anduril-audit.json), every cell: each rule's verdict as the
// scenario expects, model and kernel agreeing, every finding confirmed by a witness. Long: label stig.
TEST_F(ScenarioVmTest, LongTheStigsWholeAuditSectionOnBothArches) {
  std::vector<Scenario> audit{load_scenario(check::shipped_scenarios_dir() / "anduril-audit.json")};
  auto run = run_matrix(audit, options_for({}, false, dir_ / "audit"));
  ASSERT_EQ(run.cells.size(), 6U);
  for (const auto& cell : run.cells) {
    EXPECT_EQ(cell.status(), report::Status::pass) << cell.id() << " " << cell.infra_error;
    for (const auto& a : cell.assertions) EXPECT_EQ(a.status, report::Status::pass) << cell.id() << ": " << a.name << ": " << a.message;
    ASSERT_TRUE(cell.evidence) << cell.id();
    EXPECT_EQ(cell.evidence->rule_checks.size(), 12U) << cell.id();
    const bool corrected = cell.configuration == "anduril-audit-aarch64" && cell.arch == Arch::aarch64;
    const bool published = cell.configuration == "anduril-audit" && cell.arch == Arch::x86_64;
    for (const auto& row : cell.evidence->rule_checks) {
      EXPECT_EQ(row.kernel_verdict, row.verdict) << cell.id() << " " << row.rule;
      if (corrected || published) {
        EXPECT_EQ(row.verdict, check::Verdict::NotAFinding) << cell.id() << " " << row.rule;
      }
      for (const auto& finding : row.uncovered)
        EXPECT_NE(finding.find("; confirmed by the kernel: "), std::string::npos) << cell.id() << " " << row.rule << ": " << finding;
    }
  }
}

// A contrived model error in a file-call rule: V-268163's auid=0 lines forgotten. The witnesses at
// auid 0 leave records and catch it on both arches, as a model mismatch naming the events.
TEST_F(ScenarioVmTest, AContrivedModelErrorInAFileCallRuleIsCaughtByItsWitnesses) {
  std::vector<Scenario> anduril{load_scenario(check::shipped_scenarios_dir() / "anduril-syscall-families.json")};
  auto options = options_for({"anduril-corrected"}, false, dir_ / "contrived-xattr");
  options.predictor = [](const rules::RuleSet& loaded, Arch arch, const check::Event& event) {
    auto prediction = check::predict(loaded, arch, event);
    if (event.auid == 0 && event.syscall.find("xattr") != std::string::npos)
      prediction = {check::Fate::no_rule, 0, "", "the contrived model: no auid=0 rule"};
    return prediction;
  };
  auto run = run_matrix(anduril, options);
  ASSERT_EQ(run.cells.size(), 2U);
  for (const auto& cell : run.cells) {
    EXPECT_EQ(cell.status(), report::Status::model_mismatch) << cell.id();
    ASSERT_TRUE(cell.evidence) << cell.id() << " " << cell.infra_error;
    int caught = 0;
    for (const auto& w : cell.evidence->witnesses) caught += w.rule == "V-268163" && w.event.auid == 0 && !w.held() && w.recorded();
    EXPECT_GT(caught, 4) << cell.id();
    bool named = false;
    for (const auto& a : cell.assertions)
      named |= a.name == "V-268163: every witness event did what the model predicted" && a.status == report::Status::model_mismatch &&
               a.message.find("auid 0") != std::string::npos && a.message.find("the contrived model") != std::string::npos;
    EXPECT_TRUE(named) << cell.id();
  }
}

TEST_F(ScenarioVmTest, AndurilRulesStopLoadingOnAarch64AtTheLineLintPredicts) {
  std::vector<Scenario> anduril{load_scenario(check::shipped_scenarios_dir() / "anduril-syscall-families.json")};
  auto run = run_matrix(anduril, options_for({}, false, dir_ / "anduril"));
  ASSERT_EQ(run.cells.size(), 4U);
  for (const auto& cell : run.cells) {
    EXPECT_EQ(cell.status(), report::Status::pass) << cell.id() << " " << cell.infra_error;
    bool stops = cell.configuration == "anduril-syscall-families" && cell.arch == Arch::aarch64;
    EXPECT_EQ(cell.load_failure.has_value(), stops) << cell.id();
    EXPECT_EQ(cell.verdict, stops ? check::Verdict::Open : check::Verdict::NotAFinding) << cell.id();
    EXPECT_EQ(cell.records_matched, stops ? 0 : 36) << cell.id();  // the records are the evidence
    ASSERT_TRUE(cell.evidence) << cell.id();
    if (stops) {
      // As on NixOS: the failed audit-rules-nixos runs its ExecStopPost, auditing off, no rule left.
      EXPECT_EQ(trim(cell.evidence->auditctl_l), "No rules") << cell.id();
      EXPECT_NE(cell.evidence->auditctl_s_before.find("enabled 0"), std::string::npos) << cell.id() << ": " << cell.evidence->auditctl_s_before;
    }
    // Every other syscall rule of the STIG: the verdict the scenario states, the kernel's the same
    // from that rule's own witnesses, each finding confirmed by a named witness without a record.
    for (const auto& a : cell.assertions) EXPECT_EQ(a.status, report::Status::pass) << cell.id() << ": " << a.name << ": " << a.message;
    ASSERT_TRUE(cell.evidence) << cell.id();
    ASSERT_EQ(cell.evidence->rule_checks.size(), 6U) << cell.id();
    for (const auto& rule : cell.evidence->rule_checks) {
      EXPECT_TRUE(rule.expected_verdict) << cell.id() << " " << rule.rule;
      EXPECT_EQ(rule.verdict, rule.expected_verdict) << cell.id() << " " << rule.rule;
      EXPECT_EQ(rule.kernel_verdict, rule.verdict) << cell.id() << " " << rule.rule;
      EXPECT_EQ(rule.uncovered.empty(), rule.verdict == check::Verdict::NotAFinding) << cell.id() << " " << rule.rule;
      for (const auto& finding : rule.uncovered)
        EXPECT_NE(finding.find("; confirmed by the kernel: "), std::string::npos) << cell.id() << " " << rule.rule << ": " << finding;
      int witnesses = 0;
      for (const auto& w : cell.evidence->witnesses) witnesses += w.rule == rule.rule;
      EXPECT_GT(witnesses, 0) << cell.id() << " " << rule.rule;
    }
    // On x86_64 the aarch64-corrected rules leave out b64 open: V-268098's finding names it.
    if (cell.configuration == "anduril-corrected" && cell.arch == Arch::x86_64) {
      auto access = std::find_if(cell.evidence->rule_checks.begin(), cell.evidence->rule_checks.end(), [](const auto& r) { return r.rule == "V-268098"; });
      ASSERT_NE(access, cell.evidence->rule_checks.end());
      bool open_named = false;
      for (const auto& finding : access->uncovered) open_named |= finding.find("b64 ") == 0 && finding.find("open") != std::string::npos;
      EXPECT_TRUE(open_named) << cell.id();
    }
  }
}

TEST_F(ScenarioVmTest, NixosGuestsThroughTheStandInBuilderGiveTheSameResults) {
  // tests/fake-nix-build answers for nix-build with the default guest and a 9p-shared fake store
  // holding the module helpers: everything after the build (manifest, store sharing, runner) is real.
  std::string path = std::getenv("PATH");
  ::setenv("PATH", (std::string(AUDITVM_SOURCE_ROOT) + "/tests/fake-nix-build:" + path).c_str(), 1);
  ::setenv("AUDITVM_BIN", AUDITVM_BINARY, 1);
  ::setenv("AUDITVM_MODHELPER_DIR", AUDITVM_MODHELPER_DIR, 1);
  fs::create_directories(dir_ / "nixpkgs");  // what -I nixpkgs= names: the stand-in never reads it
  ::setenv("AUDITVM_NIXPKGS", (dir_ / "nixpkgs").c_str(), 1);
  std::vector<std::string> configurations{"stig-fix", "b64-only"};
  auto nixos_options = options_for(configurations, false, dir_ / "reports-nixos");
  nixos_options.guest_for = [this](const Cell& cell) { return image::build_nixos_guest(cell.configuration->nixos, cell.arch, dir_ / "images"); };
  auto nixos = run_matrix(scenarios_, nixos_options);
  ::setenv("PATH", path.c_str(), 1);
  ::unsetenv("AUDITVM_NIXPKGS");
  auto debian = run_matrix(scenarios_, options_for(configurations, false, dir_ / "reports-debian"));
  for (const auto& cell : nixos.cells) EXPECT_EQ(cell.status(), report::Status::pass) << cell.id() << " " << cell.infra_error;
  EXPECT_EQ(fingerprint(nixos), fingerprint(debian));
}

}  // namespace
}  // namespace auditvm::scenario
