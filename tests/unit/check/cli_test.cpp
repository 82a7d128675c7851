// check and lint through the built binary: exit statuses and messages.
#include <gtest/gtest.h>

#include <fstream>

#include "core/process.hpp"
#include "support/temp_dir.hpp"

namespace auditvm {
namespace {

class CheckCli : public test::TempDirTest {
 protected:
  std::string file(const std::string& name, const std::string& text) {
    auto path = dir_ / name;
    std::ofstream(path) << text;
    return path.string();
  }
  static ProcessResult auditvm(std::vector<std::string> args) {
    args.insert(args.begin(), AUDITVM_BINARY);
    return run_process(args);
  }
};

// A state check cannot be decided from a rules file: lint said NotAFinding for any file.
TEST_F(CheckCli, LintRefusesStateChecksAsCheckDoes) {
  auto empty = file("empty.rules", "");
  for (const char* id : {"V-268092", "V-268093", "V-268119"}) {
    for (const char* command : {"lint", "check"}) {
      auto result = auditvm({command, "--rules", empty, "--stig", id, "--arch", "x86_64"});
      EXPECT_EQ(result.exit_code, 2) << command << " " << id << ": " << result.out << result.err;
      EXPECT_NE(result.err.find("status check"), std::string::npos) << result.err;
      EXPECT_EQ(result.out.find("NotAFinding"), std::string::npos) << result.out;
    }
  }
}

// auditctl -R refuses these control values, so lint must predict the stop at that line.
TEST_F(CheckCli, LintPredictsTheStopAtAControlValueAuditctlRefuses) {
  for (const char* line : {"-f 7", "-b -1", "-r abc", "-e 5", "--backlog_wait_time 150001"}) {
    auto rules = file("control.rules", std::string("-D\n") + line + "\n-a always,exit -F arch=b64 -S finit_module -k m\n");
    auto result = auditvm({"lint", "--rules", rules, "--arch", "x86_64"});
    EXPECT_EQ(result.exit_code, 1) << line << ": " << result.out << result.err;
    EXPECT_NE(result.out.find("stops at line 2"), std::string::npos) << line << ": " << result.out;
  }
}

// Without a target lint cannot know its files: it warns about each path a line needs (a watch,
// path=, dir=, exe=), naming file, line and field, and still predicts a complete load.
TEST_F(CheckCli, LintWarnsAboutThePathsOfWatchesAndPathFilters) {
  auto rules = file("paths.rules", "-w /etc/cron.d -p wa -k cron\n"
                                   "-a always,exit -F path=/run/current-system/sw/bin/usermod -F perm=x -k usermod\n"
                                   "-a always,exit -F arch=b64 -S openat -F exe=/run/current-system/sw/bin/chage -k chage\n");
  auto result = auditvm({"lint", "--rules", rules, "--arch", "x86_64"});
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_NE(result.out.find("warning: " + rules + ":1: -w /etc/cron.d: "), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("warning: " + rules + ":2: -F path=/run/current-system/sw/bin/usermod: "), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("warning: " + rules + ":3: -F exe=/run/current-system/sw/bin/chage: "), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("if its directory /run/current-system/sw/bin does not exist on the target"), std::string::npos) << result.out;
}

// `check` reads `auditctl -l` output by default: after an arch=b32 rule, auditctl prints an
// arch-less rule's syscalls with b32 names, so the STIG's names there are other syscalls in the
// kernel (a wrong NotAFinding if read as a rules file). --input rules reads a rules file.
TEST_F(CheckCli, ReadsAListingAsAuditctlPrintsIt) {
  auto rules = file("both.rules",
                    "-a always,exit -F arch=b32 -S init_module,finit_module,delete_module -F auid>=1000 -F auid!=unset -k m\n"
                    "-a always,exit -S init_module,finit_module,delete_module -F auid>=1000 -F auid!=unset -k m\n");
  auto listing = auditvm({"check", "--rules", rules, "--arch", "x86_64"});
  EXPECT_EQ(listing.exit_code, 1) << listing.out << listing.err;
  EXPECT_NE(listing.err.find("both.rules:2: note: read as `auditctl -l` prints it"), std::string::npos) << listing.err;
  EXPECT_NE(listing.err.find("--input rules"), std::string::npos) << listing.err;
  auto file_rules = auditvm({"check", "--rules", rules, "--arch", "x86_64", "--input", "rules"});
  EXPECT_EQ(file_rules.exit_code, 0) << file_rules.out << file_rules.err;
  EXPECT_EQ(file_rules.err, "");
  auto bad = auditvm({"check", "--rules", rules, "--input", "xml"});
  EXPECT_EQ(bad.exit_code, 2) << bad.err;
}

}  // namespace
}  // namespace auditvm
