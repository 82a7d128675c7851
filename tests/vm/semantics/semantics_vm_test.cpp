// The kernel-semantics fixtures (tests/semantics) in real guests: every fixture loaded with
// `auditctl -R`, one finit_module call made by each probe (tests/semantics/README.md), and the
// kernel's SYSCALL record (or none) compared with the fixture's expectation and the model's
// prediction. Both arches; the suite is bookworm, or AUDITVM_TEST_SUITE (trixie).
#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>
#include <map>
#include <regex>

#include "check/coverage.hpp"
#include "image/builder.hpp"
#include "machine/channel.hpp"
#include "machine/machine.hpp"
#include "rules/parser.hpp"
#include "rules/syscall_table.hpp"
#include "scenario/guest_commands.hpp"
#include "support/semantics_fixture.hpp"
#include "support/audit_guest_vm.hpp"

namespace auditvm {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

// How each probe makes its call. A fork after the login uid is written (`; true` keeps the shell
// from exec'ing its last command) makes an inherited caller; su forks as uid 1000.
std::string probe_command(const test::Probe& probe, const image::Manifest& manifest) {
  const std::string call = manifest.helpers.at(std::string(to_string(probe.abi))) + " --finit " + manifest.module_path;
  const std::string as_user = "su -s /bin/sh u1000 -c '" + call + "; true'";
  const bool user = probe.uid == 1000;
  if (probe.login == check::LoginMode::self)
    return manifest.helpers.at(std::string(to_string(probe.abi))) + " --auid 1000" + (user ? " --uid 1000 --gid 1000" : "") + " --finit " + manifest.module_path;
  std::string run = user ? as_user : call + "; true";
  if (probe.auid == rules::kUnsetId) return "sh -c " + machine::ansi_c_quote(run);
  return "sh -c " + machine::ansi_c_quote("echo 1000 >/proc/self/loginuid; " + run);
}

struct Call {
  long pid = 0;
  std::int64_t exit_code = 0;
  std::uint32_t auid = 0, uid = 0;
};

class SemanticsVm : public test::AuditGuestVm {
 protected:
  SemanticsVm() : AuditGuestVm("semantics") {}
};

TEST_P(SemanticsVm, TheKernelDoesWhatEveryFixturePinsAndTheModelPredictsIt) {
  const Arch arch = GetParam();
  const std::string log = scenario::kAuditLog;
  static const std::regex helper_line(R"re("pid":(\d+).*"auid":(\d+),"uid":(\d+).*"ret":(-?\d+),"errno":(\d+))re");
  for (const auto& fixture : test::load_semantics_fixtures()) {
    SCOPED_TRACE(fixture.name);
    // The rules go before the sync: a task rule would otherwise record every fork of the sync
    // loop too. The kernel's lost counter around the probes: a busy host can fill the backlog
    // (a task rule records every syscall of su), and a lost record is no kernel semantic.
    std::string script = "auditctl -D >/dev/null; rmmod nls_ascii 2>/dev/null\nprintf %s " + machine::ansi_c_quote(fixture.text) +
                         " >/tmp/fixture.rules\nlost0=$(auditctl -s | sed -n 's/^lost //p')\n"
                         "auditctl -R /tmp/fixture.rules >/dev/null 2>&1 || { echo LOADFAIL; auditctl -R /tmp/fixture.rules; exit 1; }\n"
                         "off=$(wc -c <" + log + ")\n";
    for (const auto& probe : test::semantics_probes()) script += "echo \"@" + probe.name + " $(" + probe_command(probe, manifest_) + ")\"\n";
    script += "auditctl -D >/dev/null\n" + scenario::sync_audit_log_script("SEMANTICS_SYNC") +
              " || sleep 1\necho \"@LOST $lost0 $(auditctl -s | sed -n 's/^lost //p')\"\necho @LOG\ntail -c +$((off + 1)) " + log + "\n";
    machine::CommandResult result;
    static const std::regex lost_line(R"(@LOST (\d+) (\d+)\n)");
    std::smatch lost;
    for (int attempt = 1; attempt <= 3; ++attempt) {
      result = machine_->run(script, 300s);
      ASSERT_EQ(result.exit_status, 0) << result.out << result.err;
      ASSERT_TRUE(std::regex_search(result.out, lost, lost_line)) << result.out;
      if (lost[1] == lost[2]) break;
      std::cerr << fixture.name << ": the kernel lost " << std::stol(lost[2]) - std::stol(lost[1]) << " records (attempt " << attempt << "), again\n";
    }
    ASSERT_EQ(lost[1], lost[2]) << "the kernel lost audit records on every attempt: the host is too busy for this fixture";
    auto at_log = result.out.find("@LOG\n");
    ASSERT_NE(at_log, std::string::npos) << result.out;
    const std::string records = result.out.substr(at_log);
    auto loaded = rules::parse_rules(fixture.text, arch, fixture.name);
    std::map<std::string, Call> calls;
    std::istringstream lines(result.out.substr(0, at_log));
    for (std::string line; std::getline(lines, line);) {
      std::smatch m;
      if (line.size() < 2 || line[0] != '@' || !std::regex_search(line, m, helper_line)) continue;
      Call call{std::stol(m[1]), std::stol(m[4]) < 0 ? -std::stol(m[5]) : std::stol(m[4]), static_cast<std::uint32_t>(std::stoul(m[2])),
                static_cast<std::uint32_t>(std::stoul(m[3]))};
      calls[line.substr(1, line.find(' ') - 1)] = call;
    }
    for (const auto& probe : test::semantics_probes()) {
      SCOPED_TRACE(probe.name);
      ASSERT_TRUE(calls.count(probe.name)) << "the helper made no call:\n" << result.out;
      const Call& call = calls[probe.name];
      ASSERT_EQ(call.auid, probe.auid);
      ASSERT_EQ(call.uid, probe.uid);
      // The call's SYSCALL record: this pid, this syscall number.
      const int number = *rules::syscall_number(arch, probe.abi, "finit_module");
      const std::regex record("type=SYSCALL [^\\n]* syscall=" + std::to_string(number) + " [^\\n]* pid=" + std::to_string(call.pid) +
                              " [^\\n]*key=(\\(null\\)|\"([^\"]*)\")");
      std::smatch m;
      const bool recorded = std::regex_search(records, m, record);
      const std::string key = recorded ? std::string(m[2]) : "";
      auto predicted = check::predict(loaded, arch, test::probe_event(probe, call.exit_code));
      EXPECT_EQ(predicted.recorded(), recorded) << "model: " << predicted.reason;
      if (recorded && predicted.recorded()) {
        EXPECT_EQ(predicted.key, key);
      }
      if (auto expected = fixture.expectation(probe.name)) {
        EXPECT_EQ(expected->recorded, recorded) << "the fixture's expectation";
        if (recorded && expected->recorded) {
          EXPECT_EQ(expected->key, key);
        }
      }
    }
  }
}

// What the parser refuses on each list is what auditctl refuses there, in the same words.
TEST_P(SemanticsVm, AuditctlRefusesOnEachListWhatTheParserRefuses) {
  for (const auto& [line, words] : test::list_field_lines()) {
    std::string words_quoted;  // each word as one argument: auid>=1000 is no redirection
    std::istringstream split(line);
    for (std::string word; split >> word;) words_quoted += " " + machine::ansi_c_quote(word);
    auto result = machine_->run("auditctl -D >/dev/null; auditctl" + words_quoted + " 2>&1; rc=$?; auditctl -D >/dev/null; exit $rc", 60s);
    if (words.empty()) {
      EXPECT_EQ(result.exit_status, 0) << line << ": " << result.out;
    } else {
      EXPECT_NE(result.exit_status, 0) << line;
      EXPECT_NE(result.out.find(words), std::string::npos) << line << ": " << result.out;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Arches, SemanticsVm, testing::Values(Arch::x86_64, Arch::aarch64),
                         [](const auto& info) { return std::string(to_string(info.param)); });

}  // namespace
}  // namespace auditvm
