// The checklists as their real consumers read them: STIG Manager's own import parsers
// (reviewsFromCklb, reviewsFromCkl; npm @nuwcdivnpt/stig-manager-client-modules, which
// scripts/setup.sh installs into $XDG_CACHE_HOME/auditvm/npm) run with node on what ReportDir
// writes. Skipped, saying why, only where node or the package is not installed.
#include <gtest/gtest.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <pugixml.hpp>

#include <nlohmann/json.hpp>

#include "check/stig.hpp"
#include "core/process.hpp"
#include "report/report_dir.hpp"
#include "report/writers.hpp"
#include "support/sample_run.hpp"
#include "support/temp_dir.hpp"

namespace auditvm::report {
namespace {

namespace fs = std::filesystem;

// Where scripts/setup.sh installs the npm packages: $XDG_CACHE_HOME/auditvm.
fs::path auditvm_cache() {
  const char* cache = std::getenv("XDG_CACHE_HOME");
  fs::path base = cache && *cache ? fs::path(cache) : fs::path(std::getenv("HOME") ? std::getenv("HOME") : "/root") / ".cache";
  return base / "auditvm";
}

fs::path module_dir() {
  if (const char* dir = std::getenv("AUDITVM_STIG_MANAGER_MODULES")) return dir;
  return auditvm_cache() / "npm/node_modules/@nuwcdivnpt/stig-manager-client-modules";
}

fs::path hdf_converters_dir() {
  if (const char* dir = std::getenv("AUDITVM_HDF_CONVERTERS")) return dir;
  return auditvm_cache() / "npm-hdf/node_modules/@mitre/hdf-converters";
}

// A cell that ran: model and kernel agree on `verdict`, no record lost; state checks as given.
CellResult cell(const std::string& configuration, Verdict verdict) {
  CellResult c;
  c.scenario = "V-268096";
  c.configuration = configuration;
  c.description = "configuration " + configuration;
  c.stig = "V-268096";
  c.verdict = c.kernel_verdict = verdict;
  c.assertions = {{"the kernel's witnesses confirm the verdict", Status::pass, "", std::nullopt}};
  c.evidence = CellEvidence{};
  c.evidence->auditctl_s_before = c.evidence->auditctl_s_after = "enabled 1\nlost 0\n";
  c.evidence->auditctl_l = "-a always,exit -F arch=b64 -S init_module,finit_module,delete_module -F auid>=1000 -F key=module_chng\n";
  c.evidence->status_checks = {{"V-268092", Verdict::NotAFinding, {}}, {"V-268093", Verdict::Open, {"audit_backlog_limit is 64"}},
                               {"V-268119", Verdict::NotAFinding, {}}};
  return c;
}

class StigManager : public test::TempDirTest {
 protected:
  StigManager() : TempDirTest("stig-manager") {}

  void SetUp() override {
    TempDirTest::SetUp();
    if (run_process({"/bin/sh", "-c", "command -v node"}).exit_code != 0) GTEST_SKIP() << "node is not installed (scripts/setup.sh installs it)";
    if (!fs::exists(module_dir() / "index.js"))
      GTEST_SKIP() << "STIG Manager's client modules are not installed at " << module_dir() << " (scripts/setup.sh installs them)";
  }

  // What STIG Manager records of each file.
  nlohmann::json import(const std::vector<fs::path>& files) {
    std::vector<std::string> argv = {"node", std::string(AUDITVM_SOURCE_ROOT) + "/tests/consumers/stig_manager_import.mjs", module_dir().string()};
    for (const auto& f : files) argv.push_back(f.string());
    auto result = run_process(argv);
    EXPECT_EQ(result.exit_code, 0) << "STIG Manager rejected a checklist:\n" << result.err;
    return result.exit_code == 0 ? nlohmann::json::parse(result.out) : nlohmann::json::array();
  }
};

TEST_F(StigManager, ImportsEveryRuleWithTheRevisionAndNoAutoSubmittedFinding) {
  RunResult run;
  auto compliant = cell("stig-fix", Verdict::NotAFinding);
  // The scenario expected Open: a failed test, not a compliance finding.
  compliant.expected_verdict = Verdict::Open;
  compliant.assertions.push_back({"check verdict is Open", Status::fail, "the model says NotAFinding", std::nullopt});
  auto open = cell("b64-only", Verdict::Open);
  auto disagreeing = cell("kernel-log", Verdict::NotAFinding);
  disagreeing.kernel_verdict = Verdict::Open;
  run.cells = {compliant, open, disagreeing};
  run.version = "0.9.1";
  run.started_at = "2026-12-02T03:00:00Z";
  TargetData target;
  target.fqdn = "web01.example.org";
  ReportDir reports(dir_ / "results");
  reports.write_reports(run, check::load_stig_rules(check::shipped_stig_dir()), target);

  std::vector<fs::path> files;
  for (const auto& c : run.cells)
    for (const char* ext : {".cklb", ".ckl", "-xccdf.xml"}) files.push_back(dir_ / "results" / "cklb" / (c.id() + ext));
  auto imported = import(files);
  ASSERT_EQ(imported.size(), files.size());
  auto rule_id = [](const std::string& group) { return check::find_stig_rule(group).rule_id; };
  for (std::size_t i = 0; i < imported.size(); ++i) {
    const auto& file = imported[i];
    const auto& c = run.cells[i / 3];
    bool from_xccdf = i % 3 == 2;
    SCOPED_TRACE(file["file"].get<std::string>());
    EXPECT_EQ(file["target"]["name"], "auditvm-" + c.id());
    EXPECT_EQ(file["target"]["fqdn"], "web01.example.org");
    ASSERT_EQ(file["checklists"].size(), 1u);
    const auto& checklist = file["checklists"][0];
    EXPECT_EQ(checklist["benchmarkId"], "Anduril_NixOS_STIG");
    // reviewsFromXccdf reads no revision (STIG Manager files an XCCDF result under the STIG's current
    // one); the file's own release-info is checked in xccdf_test.
    if (!from_xccdf) EXPECT_EQ(checklist["revisionStr"], "V1R1");
    std::map<std::string, nlohmann::json> reviews;
    for (const auto& review : checklist["reviews"]) reviews[review["ruleId"]] = review;
    ASSERT_EQ(reviews.size(), 4u);  // V-268096 and the three state checks
    for (const char* group : {"V-268096", "V-268092", "V-268093", "V-268119"}) EXPECT_TRUE(reviews.contains(rule_id(group))) << group;
    EXPECT_EQ(reviews[rule_id("V-268092")]["result"], "pass");
    EXPECT_EQ(reviews[rule_id("V-268093")]["result"], "fail");
    const auto& own = reviews[rule_id("V-268096")];
    if (c.configuration == "stig-fix") EXPECT_EQ(own["result"], "pass");      // not "fail": the broken expectation is JUnit's
    if (c.configuration == "b64-only") EXPECT_EQ(own["result"], "fail");
    if (c.configuration == "kernel-log") EXPECT_NE(own["result"], "pass");    // not reviewed: model and kernel disagree
    if (c.configuration == "kernel-log") EXPECT_NE(own["result"], "fail");
    EXPECT_NE(own["detail"].get<std::string>().find("auditctl -l:"), std::string::npos);
    // No comment, so no Open finding is submitted as if a reviewer had written one.
    for (const auto& [id, review] : reviews) {
      EXPECT_TRUE(review["comment"].is_null()) << id;
      // An XCCDF result is an automated one: STIG Manager records auditvm and its version as its engine.
      if (from_xccdf) {
        EXPECT_EQ(review["resultEngine"]["product"], "auditvm") << id;
        EXPECT_EQ(review["resultEngine"]["version"], "0.9.1") << id;
        EXPECT_EQ(review["resultEngine"]["type"], "scap") << id;
      } else {
        EXPECT_TRUE(review["resultEngine"].is_null()) << id;
      }
      if (review["result"] == "fail") EXPECT_EQ(review["status"], "saved") << id;
    }
  }
}

// Cells on one asset (the user's --host-name) are one checklist per form, which STIG Manager files
// under that asset: every rule once, with the worst status of its cells; a long matrix's details
// are cut by STIG Manager at 32767 characters, after the summary and the worst cell's evidence.
TEST_F(StigManager, CellsOnOneAssetAreOneChecklistWithTheWorstStatusOfEachRule) {
  RunResult run;
  run.version = "0.9.1";
  run.started_at = "2026-12-02T03:00:00Z";
  for (int i = 0; i < 40; ++i) {
    auto c = cell("compliant-" + std::to_string(i), Verdict::NotAFinding);
    c.evidence->auditctl_l += std::string(2000, '#') + "\n";  // long evidence: 40 cells pass STIG Manager's limit
    c.evidence->status_checks[1].verdict = Verdict::NotAFinding;
    run.cells.push_back(c);
  }
  auto open = cell("b64-only", Verdict::Open);
  open.arch = Arch::aarch64;
  run.cells.push_back(open);
  TargetData target;
  target.host_name = "web01";
  ReportDir reports(dir_ / "results");
  reports.write_reports(run, check::load_stig_rules(check::shipped_stig_dir()), target);
  std::set<std::string> written;
  for (const auto& entry : fs::directory_iterator(dir_ / "results" / "cklb")) written.insert(entry.path().filename().string());
  EXPECT_EQ(written, (std::set<std::string>{"web01.cklb", "web01.ckl", "web01-xccdf.xml"}));

  auto rule_id = [](const std::string& group) { return check::find_stig_rule(group).rule_id; };
  auto imported = import({dir_ / "results" / "cklb" / "web01.cklb", dir_ / "results" / "cklb" / "web01.ckl", dir_ / "results" / "cklb" / "web01-xccdf.xml"});
  ASSERT_EQ(imported.size(), 3u);
  for (const auto& file : imported) {
    SCOPED_TRACE(file["file"].get<std::string>());
    EXPECT_EQ(file["target"]["name"], "web01");
    ASSERT_EQ(file["checklists"].size(), 1u);
    std::map<std::string, nlohmann::json> reviews;
    for (const auto& review : file["checklists"][0]["reviews"]) reviews[review["ruleId"]] = review;
    ASSERT_EQ(reviews.size(), 4u);  // each rule once, not once per cell
    EXPECT_EQ(reviews[rule_id("V-268096")]["result"], "fail");  // one cell found it open
    EXPECT_EQ(reviews[rule_id("V-268092")]["result"], "pass");  // every cell: NotAFinding
    EXPECT_EQ(reviews[rule_id("V-268093")]["result"], "fail");
    auto detail = reviews[rule_id("V-268096")]["detail"].get<std::string>();
    EXPECT_LE(detail.size(), 32767u);
    EXPECT_EQ(detail.rfind("auditvm evaluated this rule in 41 cells on this asset", 0), 0u) << detail.substr(0, 300);
    EXPECT_NE(detail.find("b64-only@aarch64: open"), std::string::npos);
    EXPECT_NE(detail.find("compliant-39@x86_64: not_a_finding"), std::string::npos);
    // The open cell's evidence survives the cut.
    EXPECT_NE(detail.find("=== b64-only@aarch64: open ===\nauditvm verified b64-only"), std::string::npos) << detail.substr(0, 3000);
  }
}

// MITRE SAF reads .ckl (not .cklb): the route into HDF, Heimdall and POA&M tooling. Its NIST tags
// come from the CCIs, so a rule's CCIs must reach the .ckl as CCI_REF.
class Saf : public test::TempDirTest {
 protected:
  Saf() : TempDirTest("saf") {}
};

TEST_F(Saf, ConvertsTheChecklistsToHdfWithNistTagsFromTheCcis) {
  if (run_process({"/bin/sh", "-c", "command -v node"}).exit_code != 0) GTEST_SKIP() << "node is not installed (scripts/setup.sh installs it)";
  if (!fs::exists(hdf_converters_dir() / "package.json"))
    GTEST_SKIP() << "MITRE's hdf-converters are not installed at " << hdf_converters_dir() << " (scripts/setup.sh installs them)";
  auto rules = check::load_stig_rules(check::shipped_stig_dir());
  // Known CCIs (CCI-000172 is AU-12 c, CCI-001849 AU-4), whatever the data holds: the mapping is SAF's.
  for (auto& rule : rules)
    rule.ccis = rule.group_id == "V-268096" ? std::vector<std::string>{"CCI-000172"} : std::vector<std::string>{"CCI-001849"};
  RunResult run;
  run.cells = {cell("stig-fix", Verdict::NotAFinding), cell("b64-only", Verdict::Open)};
  ReportDir reports(dir_ / "results");
  reports.write_reports(run, rules);
  std::vector<std::string> argv = {"node", std::string(AUDITVM_SOURCE_ROOT) + "/tests/consumers/hdf_from_ckl.mjs", hdf_converters_dir().string()};
  for (const auto& c : run.cells) argv.push_back((dir_ / "results" / "cklb" / (c.id() + ".ckl")).string());
  auto result = run_process(argv);
  ASSERT_EQ(result.exit_code, 0) << "hdf-converters rejected a checklist:\n" << result.err;
  auto converted = nlohmann::json::parse(result.out);
  ASSERT_EQ(converted.size(), 2u);
  for (std::size_t i = 0; i < converted.size(); ++i) {
    SCOPED_TRACE(run.cells[i].id());
    ASSERT_EQ(converted[i]["profiles"].size(), 1u);
    const auto& profile = converted[i]["profiles"][0];
    EXPECT_EQ(profile["name"], "Anduril_NixOS_STIG");
    EXPECT_EQ(profile["version"], "1");
    std::map<std::string, nlohmann::json> controls;
    for (const auto& control : profile["controls"]) controls[control["id"]] = control;
    ASSERT_EQ(controls.size(), 4u);  // V-268096 and the three state checks
    const auto& own = controls["V-268096"];
    EXPECT_EQ(own["cci"], nlohmann::json({"CCI-000172"}));
    EXPECT_EQ(own["nist"], nlohmann::json({"AU-12 c"}));
    EXPECT_EQ(controls["V-268093"]["nist"], nlohmann::json({"AU-4"}));
    EXPECT_EQ(own["status"][0], i == 0 ? "passed" : "failed");
    EXPECT_EQ(controls["V-268093"]["status"][0], "failed");
  }
}

// report.html as a person sees it in a browser: Chromium's headless shell (Debian's
// chromium-headless-shell) loads the page, and a script added to a copy of it reports the text
// shown (innerText) and each matrix cell's computed colours.
class HtmlInChromium : public test::TempDirTest {
 protected:
  HtmlInChromium() : TempDirTest("html-chromium") {}
};

TEST_F(HtmlInChromium, TheMatrixIsVisibleAndAFailingCellStandsOut) {
  if (run_process({"/bin/sh", "-c", "command -v chromium-headless-shell"}).exit_code != 0)
    GTEST_SKIP() << "chromium-headless-shell is not installed (scripts/setup.sh installs it)";
  auto run = test::sample_matrix();
  run.cells[0].assertions = {{"check verdict is Open", Status::pass, "", std::nullopt}};  // one cell as specified
  ReportDir reports(dir_ / "results");
  reports.write_reports(run, check::load_stig_rules(check::shipped_stig_dir()));
  std::ifstream in(dir_ / "results" / "report.html");
  std::string page(std::istreambuf_iterator<char>(in), {});
  const std::string probe = R"(<script>
const cells = [...document.querySelectorAll('td.cell')].map(td => { const s = getComputedStyle(td);
  return { id: td.dataset.cell, text: td.innerText, background: s.backgroundColor, weight: s.fontWeight,
           visible: td.getBoundingClientRect().width > 0 && td.getBoundingClientRect().height > 0 } });
const out = document.createElement('pre'); out.id = 'seen';
out.textContent = JSON.stringify({ text: document.body.innerText, cells });
document.body.appendChild(out);
</script>)";
  page.insert(page.rfind("</body>"), probe);
  std::ofstream(dir_ / "probe.html") << page;
  auto result = run_process({"chromium-headless-shell", "--no-sandbox", "--disable-gpu", "--user-data-dir=" + (dir_ / "profile").string(),
                             "--dump-dom", "file://" + (dir_ / "probe.html").string()});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  auto start = result.out.find("<pre id=\"seen\">");
  ASSERT_NE(start, std::string::npos) << result.out.substr(0, 2000);
  start += std::string("<pre id=\"seen\">").size();
  std::string text = result.out.substr(start, result.out.find("</pre>", start) - start);
  // The DOM dump escapes the JSON's text as HTML.
  for (auto [from, to] : {std::pair<std::string, std::string>{"&quot;", "\""}, {"&lt;", "<"}, {"&gt;", ">"}, {"&amp;", "&"}})
    for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) text.replace(at, from.size(), to);
  auto seen = nlohmann::json::parse(text);
  auto shown = seen["text"].get<std::string>();
  EXPECT_NE(shown.find("Overall: INFRA_ERROR, 1 of 4 cells as specified"), std::string::npos) << shown.substr(0, 500);
  ASSERT_EQ(seen["cells"].size(), run.cells.size());
  std::map<std::string, nlohmann::json> cells;
  for (const auto& cell : seen["cells"]) cells[cell["id"]] = cell;
  for (const auto& cell : run.cells) {
    SCOPED_TRACE(cell.id());
    const auto& shown_cell = cells[cell.id()];
    EXPECT_TRUE(shown_cell["visible"].get<bool>());
    auto cell_text = shown_cell["text"].get<std::string>();
    std::string status(to_string(cell.status()));
    for (char& c : status) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    EXPECT_NE(cell_text.find(status), std::string::npos) << cell_text;  // as shown: upper case
    EXPECT_NE(cell_text.find("verdict " + verdict_name(cell.verdict)), std::string::npos) << cell_text;
    EXPECT_NE(cell_text.find("expected " + verdict_name(cell.expected_verdict)), std::string::npos) << cell_text;
    EXPECT_NE(cell_text.find("records 4/5"), std::string::npos) << cell_text;
  }
  // A failing cell stands out from a passing one: another colour (red: more red than green), bold.
  const auto& pass = cells[run.cells[0].id()];
  const auto& fail = cells[run.cells[1].id()];
  EXPECT_NE(pass["text"].get<std::string>().find("PASS"), std::string::npos) << pass;
  EXPECT_NE(fail["text"].get<std::string>().find("FAIL"), std::string::npos) << fail;
  EXPECT_NE(fail["background"], pass["background"]);
  int r = 0, g = 0, b = 0;
  ASSERT_EQ(std::sscanf(fail["background"].get<std::string>().c_str(), "rgb(%d, %d, %d)", &r, &g, &b), 3) << fail["background"];
  EXPECT_GT(r, g + 30);
  EXPECT_GT(std::stoi(fail["weight"].get<std::string>()), std::stoi(pass["weight"].get<std::string>()));
  // The evidence is on the page, not only in the files.
  EXPECT_NE(shown.find("type=SYSCALL msg=audit(1.2:3): arch=40000003"), std::string::npos);
  EXPECT_NE(shown.find("the rules failed to load at line 3 (-a x): bad"), std::string::npos);
}

}  // namespace
}  // namespace auditvm::report
