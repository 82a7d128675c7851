// auditvm through its binary, the way a user meets it: exit statuses (0 compliant, 1 finding,
// 2 bad input) and messages that name the file, the line and the field, for check, lint, render
// and matrix on good and hostile inputs. Nothing here boots a VM.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "core/process.hpp"
#include "support/temp_dir.hpp"

namespace auditvm {
namespace {

namespace fs = std::filesystem;
using testing::AllOf;
using testing::HasSubstr;
using testing::Not;

const std::string kStigFix =
    "-a always,exit -F arch=b32 -S init_module,finit_module,delete_module -F auid>=1000 -F auid!=unset -k module_chng\n"
    "-a always,exit -F arch=b64 -S init_module,finit_module,delete_module -F auid>=1000 -F auid!=unset -k module_chng\n";

std::string shipped(const std::string& name) {
  std::ifstream in(std::string(AUDITVM_SOURCE_ROOT) + "/scenarios/" + name, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

class Cli : public test::TempDirTest {
 protected:
  Cli() : TempDirTest("cli") {}

  ProcessResult auditvm(std::vector<std::string> args) {
    args.insert(args.begin(), AUDITVM_BINARY);
    return run_process(args);
  }
  // Through a shell, for standard input and the environment; the command calls "$AUDITVM".
  ProcessResult shell(const std::string& command) {
    return run_process({"/bin/sh", "-c", "AUDITVM='" AUDITVM_BINARY "'; " + command});
  }
  std::string file(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name, std::ios::binary) << text;
    return (dir_ / name).string();
  }
  // The shipped default scenario with one edit.
  std::string scenario(const std::string& from, const std::string& to) {
    std::string text = shipped("V-268096.json");
    auto at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos) text.replace(at, from.size(), to);
    return file("scenario.json", text);
  }
};

// Bad input: exit status 2, one "auditvm: error:" message, never "internal error".
void expect_input_error(const ProcessResult& result, const std::string& location, const std::string& message) {
  EXPECT_EQ(result.exit_code, 2) << result.out << result.err;
  EXPECT_THAT(result.err, AllOf(HasSubstr("auditvm: error: " + location), HasSubstr(message), Not(HasSubstr("internal error"))));
}

// --- good input ---

TEST_F(Cli, CheckWritesTheChecklistsOfTheCaptureForAnAuditorsAsset) {
  auto reports = dir_ / "capture";
  auto result = auditvm({"check", "--rules", file("fix.rules", kStigFix), "--stig", "all", "--report-dir", reports.string(), "--host-name", "web01",
                         "--fqdn", "web01.example.org"});
  EXPECT_EQ(result.exit_code, 1) << result.err;  // the module rules alone leave the neighbouring rules Open
  for (const char* name : {"check@x86_64.cklb", "check@x86_64.ckl", "check@x86_64-xccdf.xml"}) EXPECT_TRUE(fs::exists(reports / "cklb" / name)) << name;
  std::ifstream in(reports / "cklb" / "check@x86_64.cklb");
  auto cklb = nlohmann::json::parse(in);
  EXPECT_EQ(cklb["target_data"]["host_name"], "web01");
  EXPECT_EQ(cklb["target_data"]["fqdn"], "web01.example.org");
  std::set<std::string> rules;
  for (const auto& rule : cklb["stigs"][0]["rules"]) {
    rules.insert(rule["group_id"].get<std::string>());
    EXPECT_EQ(rule["status"], rule["group_id"] == "V-268096" ? "not_a_finding" : "open") << rule["group_id"];
  }
  EXPECT_TRUE(rules.contains("V-268096"));
  EXPECT_GT(rules.size(), 1u);  // every coverage rule --stig all evaluated
  std::ifstream xml(reports / "cklb" / "check@x86_64-xccdf.xml");
  std::string text(std::istreambuf_iterator<char>(xml), {});
  EXPECT_THAT(text, HasSubstr("test-system=\"cpe:/a:auditvm:auditvm:"));
  EXPECT_THAT(text, HasSubstr("<target>web01</target>"));
}


TEST_F(Cli, CheckSaysNotAFindingForTheStigFixAndOpenWithoutIt) {
  auto fix = auditvm({"check", "--rules", file("fix.rules", kStigFix)});
  EXPECT_EQ(fix.exit_code, 0) << fix.err;
  EXPECT_THAT(fix.out, HasSubstr("V-268096 (ANIX-00-000290, medium) on x86_64: NotAFinding"));
  auto none = auditvm({"check", "--rules", file("none.rules", "-a always,exit -F arch=b64 -S init_module -k m\n"), "--format", "json"});
  EXPECT_EQ(none.exit_code, 1) << none.err;
  EXPECT_EQ(nlohmann::json::parse(none.out).at("status"), "Open");
}

// `auditctl -l` prints `-F path=/var/cron/tabs -F perm=wa` (one inode: no crontab write recorded,
// measured in cells) exactly as the STIG's `-w /var/cron/tabs/` (a tree): from a listing alone the
// check cannot say NotAFinding; the rules file can.
TEST_F(Cli, CheckOfAListingCannotTellAWatchedDirectoryFromAPathRule) {
  const std::string others = "-w /var/cron/cron.allow -p wa -k services\n-w /var/cron/cron.deny -p wa -k services\n";
  auto listed = auditvm({"check", "--stig", "V-268097", "--rules", file("listed.txt", "-w /var/cron/tabs -p wa -k services\n" + others)});
  EXPECT_EQ(listed.exit_code, 1) << listed.out << listed.err;
  EXPECT_THAT(listed.out, HasSubstr("Open"));
  EXPECT_THAT(listed.out, HasSubstr("cannot prove coverage"));
  auto rules = auditvm({"check", "--stig", "V-268097", "--input", "rules", "--rules", file("stig.rules", "-w /var/cron/tabs/ -p wa -k services\n" + others)});
  EXPECT_EQ(rules.exit_code, 0) << rules.out << rules.err;
  EXPECT_THAT(rules.out, HasSubstr("NotAFinding"));
  // A watched file reads the same either way.
  auto passwd = auditvm({"check", "--stig", "V-268166", "--rules", file("lastlog.txt", "-w /var/log/lastlog -p wa -k logins\n")});
  EXPECT_EQ(passwd.exit_code, 0) << passwd.out << passwd.err;
}

TEST_F(Cli, CheckReadsStandardInput) {
  auto result = shell("cat '" + file("fix.rules", kStigFix) + "' | \"$AUDITVM\" check --rules - --arch aarch64");
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(result.out, HasSubstr("on aarch64: NotAFinding"));
}

TEST_F(Cli, LintPredictsTheLineThatStopsLoading) {
  std::string rules = file("anduril.rules", "-a always,exit -F arch=b64 -S rename -k delete\n" + kStigFix);
  auto aarch64 = auditvm({"lint", "--rules", rules, "--arch", "aarch64"});
  EXPECT_EQ(aarch64.exit_code, 1) << aarch64.err;
  EXPECT_THAT(aarch64.out, HasSubstr("aarch64: auditctl -R stops at line 1"));
  auto x86 = auditvm({"lint", "--rules", rules, "--arch", "x86_64"});
  EXPECT_EQ(x86.exit_code, 0) << x86.err;
  EXPECT_THAT(x86.out, HasSubstr("x86_64: all 3 lines load"));
}

TEST_F(Cli, LintKnowsTheSyscallsOfTheTargetsUserspace) {
  std::string rules = file("new.rules", "-a always,exit -F arch=b64 -S cachestat -k c\n");
  auto bookworm = auditvm({"lint", "--rules", rules, "--arch", "x86_64", "--audit-version", "3.0.9"});
  EXPECT_EQ(bookworm.exit_code, 1) << bookworm.err;
  EXPECT_THAT(bookworm.out, HasSubstr("Syscall name unknown: cachestat"));
  auto trixie = auditvm({"lint", "--rules", rules, "--arch", "x86_64", "--audit-version", "4.0.2"});
  EXPECT_EQ(trixie.exit_code, 0) << trixie.err;
  EXPECT_THAT(trixie.out, HasSubstr("x86_64: all 1 lines load"));
}

TEST_F(Cli, RenderPrintsTheRulesNixosWrites) {
  auto result = auditvm({"render", "--config", file("c.json", R"({"security":{"audit":{"enable":true,"rules":["-a always,exit -F arch=b64 -S init_module -k m"]}}})")});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(result.out, HasSubstr("-a always,exit -F arch=b64 -S init_module -k m\n"));
}

TEST_F(Cli, MatrixListsTheCellsOfAScenario) {
  auto result = auditvm({"matrix", file("s.json", shipped("V-268096.json"))});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_GE(nlohmann::json::parse(result.out).size(), 24U);
}

TEST_F(Cli, MatrixTakesRunsFiltersAndNamesScenariosRelativeToTheProject) {
  auto all = nlohmann::json::parse(auditvm({"matrix"}).out);
  auto some = auditvm({"matrix", std::string(AUDITVM_SOURCE_ROOT) + "/scenarios/V-268096.json", "--arch", "aarch64", "--config", "stig-fix,b64-only"});
  ASSERT_EQ(some.exit_code, 0) << some.err;
  auto cells = nlohmann::json::parse(some.out);
  EXPECT_EQ(cells, nlohmann::json::parse(R"([{"scenario": "scenarios/V-268096.json", "config": "stig-fix", "arch": "aarch64"},
                                              {"scenario": "scenarios/V-268096.json", "config": "b64-only", "arch": "aarch64"}])"));
  EXPECT_GT(all.size(), cells.size());
  for (const auto& cell : all) EXPECT_EQ(cell["scenario"].get<std::string>().rfind("scenarios/", 0), 0u) << cell;
  expect_input_error(auditvm({"matrix", "--config", "no-such"}), "--config: no-such", "no configuration of that name");
  expect_input_error(auditvm({"matrix", "--arch", "sparc"}), "--arch", "sparc");
}

TEST_F(Cli, MatrixWritesAGitlabParallelMatrix) {
  auto result = auditvm({"matrix", "--format", "gitlab", "--config", "stig-fix", "--arch", "x86_64"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, ".auditvm-matrix:\n  parallel:\n    matrix:\n"
                        "      - {SCENARIO: \"scenarios/V-268096.json\", CONFIG: \"stig-fix\", ARCH: \"x86_64\"}\n");
  auto github = auditvm({"matrix", "--format", "github-actions", "--config", "stig-fix", "--arch", "x86_64"});
  EXPECT_EQ(github.out, R"(matrix={"include":[{"arch":"x86_64","config":"stig-fix","scenario":"scenarios/V-268096.json"}]})" "\n");
}

// A shard or filter that selects nothing is bad input, said the same way by run and matrix.
TEST_F(Cli, AnEmptySelectionIsAClearErrorForRunAndMatrix) {
  auto count = nlohmann::json::parse(auditvm({"matrix", "--config", "stig-fix"}).out).size();
  std::string beyond = std::to_string(count + 1) + "/" + std::to_string(count + 1);
  for (const std::string& command : {"matrix", "run"}) {
    SCOPED_TRACE(command);
    std::vector<std::string> args = {command, "--config", "stig-fix", "--shard", beyond};
    if (command == "run") args.insert(args.end(), {"--report-dir", (dir_ / "r").string()});
    auto result = auditvm(args);
    expect_input_error(result, "--shard: " + beyond, "selects no cell (" + std::to_string(count) + " cells before the shard)");
    EXPECT_FALSE(fs::exists(dir_ / "r"));  // nothing left behind
  }
}

// An image is this checkout's or none: another checkout's (other guest inputs) is never taken,
// and the message says what builds the right one.
TEST_F(Cli, ImagePathWithoutThisCheckoutsImageNamesTheBuildCommand) {
  fs::create_directories(dir_ / "cache" / "x86_64-0123456789abcdef-00000000");
  std::ofstream(dir_ / "cache" / "x86_64-0123456789abcdef-00000000" / "manifest.json") << "{}";
  std::ofstream(dir_ / "cache" / "x86_64-0123456789abcdef.current") << "x86_64-0123456789abcdef-00000000\n";
  auto result = auditvm({"image", "path", "--arch", "x86_64", "--suite", "trixie", "--guest", "systemd", "--cache-dir", (dir_ / "cache").string()});
  EXPECT_EQ(result.exit_code, 2) << result.err;
  EXPECT_THAT(result.err, HasSubstr("run auditvm image build --arch x86_64 --suite trixie --guest systemd"));
  result = auditvm({"image", "path", "--arch", "x86_64", "--cache-dir", (dir_ / "cache").string()});
  EXPECT_EQ(result.exit_code, 2) << result.err;
  EXPECT_THAT(result.err, HasSubstr("run auditvm image build --arch x86_64 --suite bookworm --guest busybox"));
  EXPECT_EQ(result.out, "");
}

// --- write errors are errors ---

// Results nobody received are no success: every command whose standard output cannot be written
// (a full disk, /dev/full, a closed pipe) exits 2 saying so.
TEST_F(Cli, EveryCommandWhoseOutputCannotBeWrittenExitsTwo) {
  std::string rules = file("fix.rules", kStigFix);
  std::string config = file("c.json", R"({"security":{"audit":{"enable":true,"rules":["-a always,exit -F arch=b64 -S init_module -k m"]}}})");
  for (const std::string& command : {"check --rules '" + rules + "'", "check --rules '" + rules + "' --format json",
                                     "lint --rules '" + rules + "'", "render --config '" + config + "'", std::string("matrix")}) {
    auto result = shell("\"$AUDITVM\" " + command + " > /dev/full");
    EXPECT_EQ(result.exit_code, 2) << command << "\n" << result.err;
    EXPECT_THAT(result.err, HasSubstr("cannot write the results to standard output")) << command;
  }
}

// --- bad input: every message names the file, the line and the field ---

TEST_F(Cli, ABadTargetIsRefusedBeforeAnyGuest) {
  expect_input_error(auditvm({"run", "--role", "Mainframe", "--report-dir", (dir_ / "r").string()}), "--role", "unknown role 'Mainframe'");
  std::string target = file("target.json", "{\n  \"host_name\": \"web01\",\n  \"rack\": \"B4\"\n}\n");
  expect_input_error(auditvm({"reproduce", "--rules", file("fix.rules", kStigFix), "--target", target, "--report-dir", (dir_ / "r").string()}),
                     target + ":3", "unknown target field");
  EXPECT_FALSE(fs::exists(dir_ / "r"));  // nothing left behind
}

TEST_F(Cli, ABadRuleNamesItsFileAndLine) {
  std::string rules = file("bad.rules", kStigFix + "-a always,exit -F arch=b64 -S no_such_call\n");
  expect_input_error(auditvm({"check", "--rules", rules}), rules + ":3", "no_such_call");
}

TEST_F(Cli, ADirectoryIsNotAnInputFile) {
  std::string dir = dir_.string();
  expect_input_error(auditvm({"check", "--rules", dir}), dir, "is a directory");
  expect_input_error(auditvm({"lint", "--rules", dir}), dir, "is a directory");
  expect_input_error(auditvm({"lint", "--config", dir}), dir, "is a directory");
  expect_input_error(auditvm({"render", "--config", dir}), dir, "is a directory");
}

TEST_F(Cli, EndlessInputIsCutOffWithAMessage) {
  expect_input_error(auditvm({"check", "--rules", "/dev/zero"}), "/dev/zero", "is larger than 16 MiB");
  expect_input_error(shell("\"$AUDITVM\" check --rules - < /dev/zero"), "<stdin>", "is larger than 16 MiB");
  expect_input_error(auditvm({"render", "--config", "/dev/zero"}), "/dev/zero", "is larger than 16 MiB");
}

TEST_F(Cli, DeeplyNestedJsonIsRejectedAtTheLevelItGoesTooDeep) {
  std::string deep = std::string(20000, '[') + std::string(20000, ']');
  std::string config = file("deep.json", "{\"security\":\n" + deep + "}");
  expect_input_error(auditvm({"render", "--config", config}), config + ":2: /security/0/0", "nested more than 64 levels deep");
  std::string scenario_file = file("deep-scenario.json", "{\"name\": " + deep + "}");
  expect_input_error(auditvm({"matrix", scenario_file}), scenario_file + ":1", "nested more than 64 levels deep");
}

TEST_F(Cli, NumbersTooLargeForJsonNameTheirField) {
  std::string config = file("big.json", "{\"security\": {\"audit\": {\n  \"backlogLimit\": 1e400}}}");
  expect_input_error(auditvm({"render", "--config", config}), config + ":2: /security/audit/backlogLimit", "number out of range: 1e400");
  std::string percent = file("percent.json", R"({"security": {"auditd": {"enable": true,
    "settings": {"space_left": "99999999999999999999%", "admin_space_left": "5%"}}}})");
  expect_input_error(auditvm({"render", "--config", percent}), percent + ":2: /security/auditd/settings/space_left", "too large");
}

TEST_F(Cli, ScenarioFieldsOfTheWrongTypeNameTheirField) {
  std::string arches = scenario("\"arches\": [\n    \"x86_64\",\n    \"aarch64\"\n  ]", "\"arches\": \"x86_64\"");
  expect_input_error(auditvm({"matrix", arches}), arches + ":5: /arches", "expected an array");
  std::string description = scenario(R"("description": "Module load/unload auditing (ANIX-00-000290): the default matrix.")", R"("description": 7)");
  expect_input_error(auditvm({"matrix", description}), description + ":4: /description", "expected a string");
  std::string stig = scenario(R"("stig": "V-268096")", R"("stig": "V-999999")");
  auto result = auditvm({"matrix", stig});
  expect_input_error(result, stig + ":3: /stig", "unknown STIG rule 'V-999999'");
  EXPECT_THAT(result.err, Not(HasSubstr("--stig")));
}

TEST_F(Cli, InvalidUtf8IsNamedByLineNotDumpedIntoJson) {
  std::string rules = file("latin1.rules", kStigFix + "-w /etc/caf\xe9 -p wa -k x\n");
  expect_input_error(auditvm({"lint", "--rules", rules, "--format", "json"}), rules + ":3", "not valid UTF-8 (byte 0xE9)");
  expect_input_error(auditvm({"check", "--rules", rules, "--format", "json"}), rules + ":3", "not valid UTF-8");
}

TEST_F(Cli, NulBytesDoNotCutMessagesShort) {
  std::string rules = file("nul.rules", std::string("-a always,exit -F arch=b64 -S init_module\0 -k m\n", 47));
  expect_input_error(auditvm({"check", "--rules", rules}), rules + ":1", "contains a NUL byte");
  // A NUL inside a JSON string reaches the message escaped, and the message goes on past it.
  std::string config = file("nul.json", R"({"security": {"audit": {"ru\u0000les": []}}})");
  expect_input_error(auditvm({"render", "--config", config}), config + ":1: /security/audit/ru\\x00les",
                     "The option `security.audit.\"ru\\x00les\"' does not exist.");
}

TEST_F(Cli, ABadAuditvmHomeIsNamed) {
  expect_input_error(shell("AUDITVM_HOME=" + dir_.string() + " \"$AUDITVM\" check --rules /dev/null"), "AUDITVM_HOME: " + dir_.string(),
                     "not an auditvm tree");
  expect_input_error(shell("AUDITVM_HOME=" + dir_.string() + " \"$AUDITVM\" matrix"), "AUDITVM_HOME", "not an auditvm tree");
}

TEST_F(Cli, AnUnknownCommandIsNamed) {
  auto result = auditvm({"chek", "--rules", "x"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr("auditvm: error: unknown command 'chek' (commands: check, lint, render"));
  EXPECT_EQ(auditvm({"--quiet", "check", "--rules", file("fix.rules", kStigFix)}).exit_code, 0);
}

// difftest: bad input is refused before any guest boots, and nothing is left behind.
TEST_F(Cli, DifftestRefusesBadInputBeforeBooting) {
  auto report_dir = (dir_ / "reports").string();
  expect_input_error(auditvm({"difftest", "--arch", "sparc", "--report-dir", report_dir}), "--arch", "unknown architecture");
  expect_input_error(auditvm({"difftest", "--arch", "x86_64", "--replay", (dir_ / "missing").string(), "--report-dir", report_dir}),
                     (dir_ / "missing").string(), "--replay needs a directory of *.rules files");
  auto no_arch = auditvm({"difftest", "--count", "3"});
  EXPECT_EQ(no_arch.exit_code, 2);
  EXPECT_THAT(no_arch.err, HasSubstr("--arch is required"));
  EXPECT_EQ(auditvm({"difftest", "--arch", "x86_64", "--count", "0"}).exit_code, 2);
  EXPECT_FALSE(fs::exists(report_dir));
}

}  // namespace
}  // namespace auditvm
