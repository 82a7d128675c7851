// Ctrl-C (SIGINT) during `auditvm difftest`: the sets judged so far are written (JSON,
// "interrupted": true), the exit status is 2, and no QEMU, run directory or socket is left.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "core/files.hpp"
#include "support/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// Whether any process still names `text` on its command line (the guest's console log is under it).
bool a_process_mentions(const std::string& text) {
  for (const auto& entry : fs::directory_iterator("/proc")) {
    std::string cmdline;
    try {
      cmdline = auditvm::read_file(entry.path() / "cmdline");
    } catch (const std::exception&) {
      continue;
    }
    if (cmdline.find(text) != std::string::npos && entry.path().filename() != std::to_string(::getpid())) return true;
  }
  return false;
}

TEST(DifftestInterrupt, SigintWritesTheSetsJudgedSoFarExits2AndLeavesNoQemu) {
  ASSERT_EQ(::prctl(PR_SET_CHILD_SUBREAPER, 1), 0);  // a QEMU orphaned by auditvm would land here
  fs::path dir = auditvm::test::make_temp_dir("difftest-interrupt");
  fs::path runtime = dir / "runtime", reports = dir / "reports", out = dir / "out.json", err = dir / "err.txt";
  fs::create_directories(runtime);
  pid_t child = ::fork();
  if (child == 0) {
    ::setenv("XDG_RUNTIME_DIR", runtime.c_str(), 1);
    int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600), e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (o < 0 || e < 0 || ::dup2(o, 1) < 0 || ::dup2(e, 2) < 0) _exit(127);
    ::execl(AUDITVM_BINARY, "auditvm", "difftest", "--arch", "x86_64", "--count", "50", "--seed", "1", "--shrink-budget", "0",
            "--accel", "tcg", "--format", "json", "--report-dir", reports.c_str(), nullptr);
    _exit(127);
  }
  // Interrupt once the first set is judged (its progress line), while the second runs.
  auto deadline = std::chrono::steady_clock::now() + 600s;
  auto progressed = [&] {
    try {
      return auditvm::read_file(err).find("difftest x86_64: 1/50 rule sets") != std::string::npos;
    } catch (const std::exception&) {
      return false;
    }
  };
  while (std::chrono::steady_clock::now() < deadline && !progressed()) std::this_thread::sleep_for(200ms);
  ASSERT_TRUE(progressed()) << auditvm::read_file(err);
  std::this_thread::sleep_for(1s);
  ASSERT_FALSE(fs::is_empty(runtime)) << "no guest was running when the signal was sent";
  ::kill(child, SIGINT);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status)) << "auditvm died of signal " << (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
  EXPECT_EQ(WEXITSTATUS(status), 2) << auditvm::read_file(err);
  auto json = nlohmann::json::parse(auditvm::read_file(out));
  EXPECT_EQ(json["interrupted"], true);
  EXPECT_GE(json["rule_sets"].get<int>(), 1);
  EXPECT_LT(json["rule_sets"].get<int>(), 50);
  EXPECT_GT(json["witness_events"].get<int>(), 0);
  EXPECT_TRUE(json["errors"].empty()) << json["errors"].dump(2);  // the set cut short is not an error
  EXPECT_TRUE(fs::is_empty(runtime)) << "run directories or sockets left in " << runtime;
  EXPECT_FALSE(a_process_mentions(reports.string())) << "a QEMU process survived";
  fs::remove_all(dir);
}

}  // namespace
