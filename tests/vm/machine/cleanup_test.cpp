// Ctrl-C (SIGINT) and SIGTERM during a run: every guest is stopped, every socket, run directory and
// libvirt domain removed, and the run does not report a pass.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>
#include <thread>

#include "support/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

struct Case {
  const char* backend;
  int signal;
};

class CleanupTest : public testing::TestWithParam<Case> {};

bool qemu_mentions(const std::string& text) {
  std::string command = "pgrep -f '[q]emu-system.*" + text + "' >/dev/null";
  return std::system(command.c_str()) == 0;
}

// Processes whose parent is this one (QEMUs orphaned by auditvm land here: we are a subreaper).
std::vector<std::string> children_of_this_process() {
  std::vector<std::string> children;
  for (const auto& entry : fs::directory_iterator("/proc")) {
    std::ifstream stat(entry.path() / "stat");
    std::string line;
    if (!std::getline(stat, line) || line.rfind(')') == std::string::npos) continue;
    char state = 0;
    long ppid = 0;
    if (std::sscanf(line.c_str() + line.rfind(')') + 1, " %c %ld", &state, &ppid) == 2 && ppid == ::getpid())
      children.push_back(line.substr(0, line.rfind(')') + 1) + " state " + state);
  }
  return children;
}

TEST_P(CleanupTest, SignalStopsEverythingAndLeavesNothingBehind) {
  // auditvm's children that outlive it are re-parented to us instead of init, so we see them.
  ASSERT_EQ(::prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
  fs::path dir = auditvm::test::make_temp_dir("cleanup");
  fs::path runtime = dir / "runtime", reports = dir / "reports";
  fs::create_directories(runtime);
  pid_t child = ::fork();
  if (child == 0) {
    ::setenv("XDG_RUNTIME_DIR", runtime.c_str(), 1);  // run directories go here, so leftovers are visible
    ::execl(AUDITVM_BINARY, "auditvm", "run", "--config", "stig-fix,b64-only", "--arch", "x86_64,aarch64", "--accel", "tcg",
            "--backend", GetParam().backend, "--jobs", "2", "--report-dir", reports.c_str(), "--quiet", nullptr);
    _exit(127);
  }
  // Wait until guests are up (their console logs appear), then interrupt.
  auto deadline = std::chrono::steady_clock::now() + 120s;
  while (std::chrono::steady_clock::now() < deadline && !(fs::exists(reports / "logs") && !fs::is_empty(reports / "logs")))
    std::this_thread::sleep_for(100ms);
  std::this_thread::sleep_for(1500ms);
  ASSERT_FALSE(fs::is_empty(runtime)) << "no guest was running when the signal was sent";
  ::kill(child, GetParam().signal);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status)) << "auditvm died of signal " << (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
  EXPECT_EQ(WEXITSTATUS(status), 128 + GetParam().signal);
  EXPECT_FALSE(fs::exists(reports / "result.json")) << "an interrupted run must not report";
  EXPECT_TRUE(fs::is_empty(runtime)) << "run directories or sockets left in " << runtime;
  // Checked at once: auditvm exits only after every QEMU it started is gone and reaped.
  auto survivors = children_of_this_process();
  EXPECT_TRUE(survivors.empty()) << "auditvm exited before its child " << (survivors.empty() ? "" : survivors[0]) << " was gone";
  EXPECT_FALSE(qemu_mentions(reports.string())) << "a QEMU process survived";
  std::string domains = "virsh -c qemu:///system list --name 2>/dev/null | grep -q '^auditvm-" + std::to_string(child) + "-'";
  EXPECT_NE(std::system(domains.c_str()), 0) << "a libvirt domain survived";
  fs::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(Signals, CleanupTest,
                         testing::Values(Case{"qemu", SIGINT}, Case{"qemu", SIGTERM}, Case{"libvirt", SIGINT}),
                         [](const testing::TestParamInfo<Case>& info) {
                           return std::string(info.param.backend) + (info.param.signal == SIGINT ? "_sigint" : "_sigterm");
                         });

}  // namespace
