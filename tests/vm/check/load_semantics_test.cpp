// Every rules file in tests/semantics/load, loaded with `auditctl -R` in a real guest (both arches,
// bookworm's audit 3.0.9 on 6.1, trixie's audit 4.0.2 on 6.12, sid's 4.2.1 on 7.x), against lint's prediction of
// the same load: which lines are refused (and by whom, in which words), auditctl's exit status,
// and what `auditctl -l` shows afterwards, in order.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <regex>
#include <set>

#include "check/load_simulation.hpp"
#include "check/rule_lists.hpp"
#include "check/stig.hpp"
#include "core/files.hpp"
#include "image/builder.hpp"
#include "image/manifest.hpp"
#include "image/suite.hpp"
#include "machine/channel.hpp"
#include "machine/machine.hpp"
#include "rules/canonical.hpp"
#include "rules/parser.hpp"
#include "scenario/guest_commands.hpp"
#include "support/temp_dir.hpp"

namespace auditvm::check {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

struct Case {
  Arch arch;
  const char* suite;
};

std::string case_name(const testing::TestParamInfo<Case>& info) {
  return std::string(to_string(info.param.arch)) + "_" + info.param.suite;
}

// The fixtures, the one that locks the guest (-e 2) last; AUDITVM_TEST_FIXTURES=a,b: only those.
std::vector<fs::path> fixtures() {
  const char* only = std::getenv("AUDITVM_TEST_FIXTURES");
  std::vector<fs::path> out;
  for (const auto& entry : fs::directory_iterator(fs::path(AUDITVM_SOURCE_ROOT) / "tests/semantics/load"))
    if (entry.path().extension() == ".rules" && (!only || ("," + std::string(only) + ",").find("," + entry.path().stem().string() + ",") != std::string::npos))
      out.push_back(entry.path());
  std::sort(out.begin(), out.end(), [](const fs::path& a, const fs::path& b) {
    return std::make_pair(a.stem() == "lock", a.filename()) < std::make_pair(b.stem() == "lock", b.filename());
  });
  return out;
}

// A message as the guest prints it: lint adds its explanation after " (" or, for the kernel's
// refusals, after the errno text in parentheses.
std::string auditctl_part(const RejectedLine& line) {
  if (line.by_kernel) return line.message.substr(0, line.message.find(')') + 1);
  return line.message.substr(0, line.message.find(" ("));
}

std::string without_cr_tab(std::string text) {
  text.erase(std::remove_if(text.begin(), text.end(), [](char c) { return c == '\r' || c == '\t'; }), text.end());
  while (!text.empty() && text.back() == ' ') text.pop_back();
  return text;
}

// The current image of the arch and suite, or one of the image directories named in
// AUDITVM_TEST_IMAGE_DIRS (':'-separated), for a checkout whose own images are not built.
std::optional<image::Manifest> guest_image(Arch arch, const std::string& suite) {
  if (const char* dirs = std::getenv("AUDITVM_TEST_IMAGE_DIRS")) {
    std::string list = dirs;
    for (size_t start = 0; start <= list.size();) {
      size_t end = list.find(':', start);
      fs::path dir = list.substr(start, end == std::string::npos ? std::string::npos : end - start);
      if (fs::exists(dir / "manifest.json"))
        if (auto manifest = image::load_manifest(dir / "manifest.json"); manifest.arch == arch && manifest.suite == suite) return manifest;
      if (end == std::string::npos) break;
      start = end + 1;
    }
  }
  return image::find_image(arch, *image::parse_suite(suite));
}

class LoadSemantics : public testing::TestWithParam<Case> {
 protected:
  void SetUp() override {
    auto manifest = guest_image(GetParam().arch, GetParam().suite);
    ASSERT_TRUE(manifest) << "build the images first: auditvm image build --arch all --suite " << GetParam().suite;
    userspace_ = *rules::userspace_from_version(manifest->audit_version);
    logs_ = test::make_temp_dir("loadsem");
    machine::BootOptions boot;
    boot.console_log = logs_ / "console.log";
    boot.boot_timeout = 300s;
    boot.accel = machine::Accel::tcg;
    machine_ = machine::make_machine(*manifest, boot, {});
    machine_->boot();
  }
  void TearDown() override {
    machine_.reset();
    fs::remove_all(logs_);
  }
  rules::Userspace userspace_ = rules::Userspace::audit3;
  fs::path logs_;
  std::unique_ptr<machine::Machine> machine_;
};

TEST_P(LoadSemantics, AuditctlRDoesWhatLintPredicts) {
  const Arch arch = GetParam().arch;
  for (const auto& file : fixtures()) {
    SCOPED_TRACE(file.filename().string());
    const std::string text = read_file(file, FileKind::data);
    auto reset = machine_->run("auditctl -D >/dev/null 2>&1; auditctl -e 1 >/dev/null 2>&1; [ \"$(auditctl -l)\" = \"No rules\" ]", 60s);
    ASSERT_EQ(reset.exit_status, 0) << "the guest did not return to no rules";
    // auditctl -R reports to syslog and to stderr: both, once syslogd has everything.
    auto load = machine_->run("printf %s " + machine::ansi_c_quote(text) + R"SH( > /tmp/fixture.rules
n=$(wc -c </var/log/messages)
auditctl -R /tmp/fixture.rules >/tmp/load.out 2>&1; rc=$?
last=-1; i=0; while [ $i -lt 40 ]; do size=$(wc -c </var/log/messages); [ "$size" = "$last" ] && break; last=$size; sleep 0.1; i=$((i+1)); done
cat /tmp/load.out; tail -c +$((n + 1)) /var/log/messages | sed -n 's/^.* auditctl[^:]*: //p'
echo "@rc $rc"
auditctl -l
)SH", 120s);
    ASSERT_EQ(load.exit_status, 0) << load.err;
    const auto at = load.out.find("@rc ");
    ASSERT_NE(at, std::string::npos) << load.out;
    const std::string said = load.out.substr(0, at);
    const int rc = std::stoi(load.out.substr(at + 4));
    const std::string listing = load.out.substr(load.out.find('\n', at) + 1);

    // What the guest has at the fixture's paths, probed as a cell probes them: the prediction is exact.
    const auto paths = paths_to_probe(text, arch, userspace_);
    auto probe = machine_->run(scenario::probe_paths_script(paths), 60s);
    ASSERT_EQ(probe.exit_status, 0) << probe.out << probe.err;
    const auto target = scenario::parse_path_probe(probe.out, paths);
    auto predicted = simulate_load(text, arch, file.filename().string(), userspace_, &target);
    for (const auto& warning : predicted.warnings) EXPECT_EQ(warning.find("on the target"), std::string::npos) << warning;  // every path known
    EXPECT_EQ(rc, predicted.exit_status) << said;
    std::set<int> refused, predicted_refused;
    static const std::regex error_line(R"(There was an error in line (\d+) of)");
    for (std::sregex_iterator m(said.begin(), said.end(), error_line), end; m != end; ++m) refused.insert(std::stoi((*m)[1]));
    for (const auto& line : predicted.rejected) {
      predicted_refused.insert(line.line);
      if (!line.message.empty())
        EXPECT_NE(said.find(auditctl_part(line)), std::string::npos) << "line " << line.line << ": lint says " << line.message << "\nguest:\n" << said;
      // A kernel refusal is worded "Error sending ..." by auditctl: the class shows in the text.
      if (line.by_kernel) EXPECT_NE(said.find("Error "), std::string::npos) << said;
    }
    EXPECT_EQ(refused, predicted_refused) << said;

    // The listing as printed (auditctl's table quirk included), and read back as the rules loaded.
    std::vector<std::string> shown, expected, read_back, loaded;
    for (const auto& line : rules::rule_lines(listing)) shown.push_back(without_cr_tab(line.text));
    for (const auto& line : predicted_listing(predicted)) expected.push_back(without_cr_tab(line));
    EXPECT_EQ(shown, expected) << listing;
    for (const auto& rule : rules::parse_listing(listing, arch, "auditctl -l").rules) read_back.push_back(without_cr_tab(rules::canonical_text(rule, arch)));
    for (const auto* rule : replay(predicted.loaded).lists.listing()) loaded.push_back(without_cr_tab(rules::canonical_text(*rule, arch)));
    EXPECT_EQ(read_back, loaded) << listing;
  }
}

// The default guests have the files NixOS has where the STIG's watch and path rules name them
// (V-268097, V-268164..167): the STIG's own lines load completely, as lint predicts, and the programs
// of V-268164/165 run. A watch whose directory NixOS lacks (RHEL's cron spool) still fails there.
TEST_P(LoadSemantics, StigPathRulesLoadWhereNixosHasTheirFiles) {
  const Arch arch = GetParam().arch;
  std::string text = "-D\n";
  for (const auto& stig : load_stig_rules(shipped_stig_dir()))
    if (stig.kind == "path_coverage")
      for (const auto& line : stig.literal_rules) text += line + "\n";
  ASSERT_GT(std::count(text.begin(), text.end(), '\n'), 10) << text;
  auto load = machine_->run("printf %s " + machine::ansi_c_quote(text) + R"SH( > /tmp/stig.rules
auditctl -R /tmp/stig.rules >/tmp/load.out 2>&1; echo "@rc $?"
auditctl -l
for p in usermod chage chcon; do /run/current-system/sw/bin/$p </dev/null >/dev/null 2>&1; echo "@ran $p $?"; done
)SH", 120s);
  ASSERT_EQ(load.exit_status, 0) << load.err;
  const auto at = load.out.find("@rc ");
  ASSERT_NE(at, std::string::npos) << load.out;
  EXPECT_EQ(std::stoi(load.out.substr(at + 4)), 0) << load.out;
  std::string listing = load.out.substr(load.out.find('\n', at) + 1);
  const std::string ran = listing.substr(listing.find("@ran "));
  listing.resize(listing.find("@ran "));
  auto predicted = simulate_load(text, arch, "stig.rules", userspace_);
  EXPECT_EQ(predicted.exit_status, 0);
  std::vector<std::string> shown, expected;
  for (const auto& line : rules::rule_lines(listing)) shown.push_back(without_cr_tab(line.text));
  for (const auto& line : predicted_listing(predicted)) expected.push_back(without_cr_tab(line));
  EXPECT_EQ(shown, expected) << listing;
  // The stand-ins are the native helper: run with no arguments, it prints its usage and exits 2.
  for (const char* program : {"usermod", "chage", "chcon"}) EXPECT_NE(ran.find("@ran " + std::string(program) + " 2\n"), std::string::npos) << ran;

  auto missing = machine_->run(R"SH(printf '%s\n' '-D' '-w /var/cron/cron.deny -p wa -k services' '-w /var/spool/cron/ -p wa -k services' > /tmp/missing.rules
auditctl -R /tmp/missing.rules >/tmp/load.out 2>&1; echo "@rc $?"; auditctl -l)SH", 60s);
  ASSERT_EQ(missing.exit_status, 0) << missing.err;
  EXPECT_NE(missing.out.find("@rc 1"), std::string::npos) << missing.out;
  EXPECT_NE(missing.out.find("-w /var/cron/cron.deny -p wa -k services"), std::string::npos) << missing.out;
  EXPECT_EQ(missing.out.find("/var/spool/cron"), std::string::npos) << missing.out;
}

INSTANTIATE_TEST_SUITE_P(Guests, LoadSemantics,
                         testing::Values(Case{Arch::x86_64, "bookworm"}, Case{Arch::aarch64, "bookworm"}, Case{Arch::x86_64, "trixie"},
                                         Case{Arch::aarch64, "trixie"}),
                         case_name);
// Debian's newest kernel and audit userspace (ctest -L sid).
INSTANTIATE_TEST_SUITE_P(Sid, LoadSemantics, testing::Values(Case{Arch::x86_64, "sid"}, Case{Arch::aarch64, "sid"}), case_name);

}  // namespace
}  // namespace auditvm::check
