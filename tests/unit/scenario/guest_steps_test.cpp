// Several guest commands in one round trip: the script run by a real bash (the guest's shell),
// each step's status, stdout and stderr back byte exact, nothing after a required step that failed.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/errors.hpp"
#include "core/process.hpp"
#include "scenario/guest_commands.hpp"
#include "support/temp_dir.hpp"

namespace auditvm::scenario {
namespace {

namespace fs = std::filesystem;

class GuestSteps : public test::TempDirTest {
 protected:
  GuestSteps() : TempDirTest("steps") {}
  std::vector<machine::CommandResult> run(const std::vector<GuestStep>& steps) {
    const auto boundary = random_step_boundary();
    auto shell = run_process({"bash", "-c", steps_script(steps, boundary, (dir_ / "err").string())});
    return parse_steps(shell.out, boundary, steps.size());
  }
};

TEST_F(GuestSteps, EachStepsStatusAndOutputComeBackByteExact) {
  auto results = run({{"one", "printf 'a\\nb'; printf 'warn\\n' >&2", true},
                      {"two", "printf 'line\\n\\n'; exit 3", false},
                      {"three", "printf '\\001@avm-step-0000000000000000 0 0\\n\\n'; printf x >&2; exit 0", true},
                      {"four", "true", true}});
  ASSERT_EQ(results.size(), 4U);
  EXPECT_EQ(results[0].exit_status, 0);
  EXPECT_EQ(results[0].out, "a\nb");
  EXPECT_EQ(results[0].err, "warn\n");
  EXPECT_EQ(results[1].exit_status, 3);  // not required: the next step still runs
  EXPECT_EQ(results[1].out, "line\n\n");
  EXPECT_EQ(results[1].err, "");
  EXPECT_EQ(results[2].out, "\001@avm-step-0000000000000000 0 0\n\n");  // another trip's boundary is only text
  EXPECT_EQ(results[2].err, "x");
  EXPECT_EQ(results[3].out, "");
}

TEST_F(GuestSteps, NothingRunsAfterARequiredStepFailed) {
  auto flag = (dir_ / "ran").string();
  auto results = run({{"fails", "echo no; exit 1", true}, {"after", "touch " + flag, true}});
  ASSERT_EQ(results.size(), 1U);
  EXPECT_EQ(results[0].exit_status, 1);
  EXPECT_EQ(results[0].out, "no\n");
  EXPECT_FALSE(std::filesystem::exists(flag));
}

// The guest's clock times each step (bash's EPOCHREALTIME, no fork): how a merged trip's time is
// split between the phases that share it.
TEST_F(GuestSteps, EachStepsTimeInTheShellComesBack) {
  const auto boundary = random_step_boundary();
  const std::vector<GuestStep> steps{{"quick", "true", true}, {"naps", "read -t 0.3 <> <(:) || true", true}};
  auto shell = run_process({"bash", "-c", steps_script(steps, boundary, (dir_ / "err").string())});
  std::vector<double> seconds;
  auto results = parse_steps(shell.out, boundary, steps.size(), &seconds);
  ASSERT_EQ(results.size(), 2U);
  ASSERT_EQ(seconds.size(), 2U);
  EXPECT_GE(seconds[0], 0.0);
  EXPECT_LT(seconds[0], 0.25);
  EXPECT_GE(seconds[1], 0.25);
  EXPECT_LT(seconds[1], 5.0);
}

TEST_F(GuestSteps, AStepsExitEndsOnlyThatStep) {
  auto results = run({{"exits", "exit 0; echo never", true}, {"next", "echo here", true}});
  ASSERT_EQ(results.size(), 2U);
  EXPECT_EQ(results[0].out, "");
  EXPECT_EQ(results[1].out, "here\n");
}

TEST(GuestStepsParse, OutputCutShortGivesOnlyTheStepsThatCameBackWhole) {
  const std::string b = "@avm-step-0123456789abcdef";
  const std::string whole = "out0\n" + b + " 0 0\n\n" + b + "\nout1\n" + b + " 1 2\nerr1\n" + b + "\n";
  auto results = parse_steps(whole, b, 2);
  ASSERT_EQ(results.size(), 2U);
  EXPECT_EQ(results[1].exit_status, 2);
  EXPECT_EQ(results[1].out, "out1");
  EXPECT_EQ(results[1].err, "err1");
  EXPECT_EQ(parse_steps(whole.substr(0, whole.size() - 3), b, 2).size(), 1U);
  EXPECT_EQ(parse_steps("", b, 2).size(), 0U);
  EXPECT_NE(random_step_boundary(), random_step_boundary());
}

// The probe of the rules' paths, by a real bash: each state as the kernel's lookup would meet it.
TEST_F(GuestSteps, ThePathProbeSaysWhatIsAtEachPath) {
  fs::create_directories(dir_ / "d");
  std::ofstream(dir_ / "f") << "x";
  fs::create_directory_symlink(dir_ / "d", dir_ / "link");
  fs::create_symlink(dir_ / "none", dir_ / "dangling");
  const std::string base = dir_.string();
  const std::vector<std::string> paths{base + "/d", base + "/link", base + "/f", base + "/none", base + "/none/a/b",
                                       base + "/f/x", base + "/f/x/y", base + "/dangling", base + "/dangling/x", "relative"};
  auto shell = run_process({"bash", "-c", probe_paths_script(paths)});
  ASSERT_EQ(shell.exit_code, 0) << shell.err;
  auto target = parse_path_probe(shell.out, paths);
  using check::PathState;
  EXPECT_EQ(target.states, (std::map<std::string, PathState>{
      {paths[0], PathState::directory}, {paths[1], PathState::directory}, {paths[2], PathState::other}, {paths[3], PathState::missing},
      {paths[4], PathState::missing}, {paths[5], PathState::blocked}, {paths[6], PathState::blocked}, {paths[7], PathState::dangling},
      {paths[8], PathState::missing}, {paths[9], PathState::missing}}));
  EXPECT_THROW(parse_path_probe("directory\n", paths), InfraError);  // a state missing
}

// After a failing auditctl -R the unit's ExecStopPost lines run, in order, up to the first that
// fails; auditctl -R's own exit status and output are what the step returns.
TEST(LoadRulesScript, RunsTheFailureCommandsOnlyAfterAFailureAndKeepsTheLoadsStatus) {
  const std::string script = load_rules_script({"auditctl -e 0", "auditctl -D"});
  const auto stop_post = script.find("[ $rc -eq 0 ] || { auditctl -e 0 >/dev/null 2>&1 && auditctl -D >/dev/null 2>&1; }\n");
  ASSERT_NE(stop_post, std::string::npos) << script;
  EXPECT_LT(script.find("auditctl -R "), stop_post);
  EXPECT_EQ(script.substr(script.size() - std::string("exit $rc\n").size()), "exit $rc\n");
  EXPECT_EQ(load_rules_script({}).find("-e 0"), std::string::npos);
}

}  // namespace
}  // namespace auditvm::scenario
