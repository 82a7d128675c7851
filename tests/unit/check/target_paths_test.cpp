// What a rule set needs of the target's files, and the load predicted from what the target has
// (measured in the guests: tests/semantics/load/missing_paths.rules, vm_load_semantics_test).
#include <gtest/gtest.h>

#include "check/load_simulation.hpp"
#include "check/target_paths.hpp"

namespace auditvm::check {
namespace {

const std::string kNoSuchFile = "Error sending add rule data request (No such file or directory)";
const std::string kNotADirectory = "Error sending add rule data request (Not a directory)";

TEST(TargetPaths, EachPathARuleSetNeedsIsProbedOnce) {
  auto paths = paths_to_probe(
      "-w /etc/cron.d/ -p wa\n"
      "-a always,exit -F path=/run/current-system/sw/bin/usermod -F perm=x -k usermod\n"
      "-a always,exit -F arch=b64 -S openat -F dir=/nix/var -k nix\n"
      "-a always,exit -F arch=b64 -S openat -F exe=/usr/bin/passwd -k p\n"
      "-a always,exit -F arch=b64 -S openat -F exe=/usr/bin/chage -k p\n"
      "-a always,exit -F arch=b64 -S openat -F path!=/opt/x/y\n"  // refused before any lookup
      "-W /gone/x\n"                                              // a removal looks nothing up
      "-w /bad/x -p q\n",                                         // auditctl refuses the line
      Arch::x86_64, rules::Userspace::audit3);
  EXPECT_EQ(paths, (std::vector<std::string>{"/etc", "/run/current-system/sw/bin", "/nix/var", "/usr/bin"}));
}

TEST(TargetPaths, TheKernelsAnswerToEachStateOfAPath) {
  TargetPaths target{{{"/d", PathState::directory}, {"/f", PathState::other}, {"/m", PathState::missing}, {"/b", PathState::blocked},
                      {"/l", PathState::dangling}}};
  auto parent = [&](const std::string& path) { return path_refusal({"-w " + path + "/x", path, false, false}, target); };
  auto itself = [&](const std::string& path) { return path_refusal({"-F dir=" + path, path, true, false}, target); };
  EXPECT_EQ(parent("/d"), "");
  EXPECT_EQ(parent("/f"), kNotADirectory);
  EXPECT_EQ(parent("/m"), kNoSuchFile);
  EXPECT_EQ(parent("/b"), kNotADirectory);
  EXPECT_EQ(parent("/l"), kNoSuchFile);  // measured: a watch through a dangling link
  EXPECT_EQ(itself("/l"), "");           // dir= of a dangling link loads
  EXPECT_EQ(itself("/f"), "");           // dir= of a file loads
  EXPECT_EQ(itself("/b"), kNotADirectory);
  EXPECT_EQ(itself("/m"), kNoSuchFile);
  EXPECT_EQ(parent("/unprobed"), std::nullopt);
  for (auto state : {PathState::directory, PathState::other, PathState::missing, PathState::blocked, PathState::dangling})
    EXPECT_EQ(parse_path_state(to_string(state)), state);
}

// nealfennimore/nixos-stig-anduril's audit.nix on a target without /run/current-system: auditctl -R
// stops at the path= line, as the guest does; without the target's paths lint only warns.
TEST(TargetPaths, AMissingDirectoryStopsTheLoadWhereTheTargetIsKnown) {
  const std::string text =
      "-a always,exit -F arch=b64 -S init_module -k m\n"
      "-a always,exit -F path=/run/current-system/sw/bin/usermod -F perm=x -F auid>=1000 -F auid!=unset -k usermod\n"
      "-a always,exit -F arch=b64 -S finit_module -k m\n";
  auto unknown = simulate_load(text, Arch::x86_64, "audit.rules");
  EXPECT_TRUE(unknown.complete());
  ASSERT_EQ(unknown.warnings.size(), 1U);
  EXPECT_EQ(unknown.warnings[0].rfind("audit.rules:2: -F path=/run/current-system/sw/bin/usermod: ", 0), 0U) << unknown.warnings[0];

  TargetPaths target{{{"/run/current-system/sw/bin", PathState::missing}}};
  auto known = simulate_load(text, Arch::x86_64, "audit.rules", rules::Userspace::audit3, &target);
  EXPECT_EQ(known.failing_line, 2);
  EXPECT_EQ(known.message, kNoSuchFile);
  EXPECT_TRUE(known.failing_by_kernel);
  EXPECT_EQ(known.loaded.rules.size(), 1U);
  EXPECT_EQ(known.not_loaded.size(), 1U);
  EXPECT_TRUE(known.warnings.empty());

  target.states["/run/current-system/sw/bin"] = PathState::directory;
  auto present = simulate_load(text, Arch::x86_64, "audit.rules", rules::Userspace::audit3, &target);
  EXPECT_TRUE(present.complete());
  EXPECT_TRUE(present.warnings.empty());
  EXPECT_EQ(present.loaded.rules.size(), 3U);
}

// A refused rule is not loaded: a later identical rule is no duplicate, a -d of it finds nothing.
TEST(TargetPaths, ARuleRefusedForItsPathIsNotInTheLists) {
  TargetPaths target{{{"/nonexistent/dir", PathState::missing}}};
  auto report = simulate_load("-c\n-w /nonexistent/dir/file -p wa\n-w /nonexistent/dir/file -p wa\n-W /nonexistent/dir/file -p wa\n",
                              Arch::x86_64, "rules", rules::Userspace::audit3, &target);
  ASSERT_EQ(report.rejected.size(), 3U);
  EXPECT_EQ(report.rejected[0].message, kNoSuchFile);
  EXPECT_EQ(report.rejected[1].message, kNoSuchFile);
  EXPECT_EQ(report.rejected[2].message, "Error sending delete rule data request (No such file or directory)");
  EXPECT_TRUE(predicted_listing(report).empty());
}

TEST(TargetPaths, LintWarnsAboutEveryPathFieldNamingFileLineAndField) {
  auto report = simulate_load("-w /etc/cron.d/ -p wa\n"
                              "-a always,exit -F arch=b64 -S openat -F dir=/nix/var -k nix\n"
                              "-a always,exit -F arch=b64 -S openat -F exe=/usr/bin/passwd -k p\n",
                              Arch::x86_64, "my.rules");
  ASSERT_EQ(report.warnings.size(), 3U);
  EXPECT_EQ(report.warnings[0].rfind("my.rules:1: -w /etc/cron.d/: ", 0), 0U) << report.warnings[0];
  EXPECT_NE(report.warnings[0].find("its directory /etc does not exist"), std::string::npos) << report.warnings[0];
  EXPECT_EQ(report.warnings[1].rfind("my.rules:2: -F dir=/nix/var: ", 0), 0U) << report.warnings[1];
  EXPECT_NE(report.warnings[1].find("if /nix/var does not exist"), std::string::npos) << report.warnings[1];
  EXPECT_EQ(report.warnings[2].rfind("my.rules:3: -F exe=/usr/bin/passwd: ", 0), 0U) << report.warnings[2];
}

}  // namespace
}  // namespace auditvm::check
