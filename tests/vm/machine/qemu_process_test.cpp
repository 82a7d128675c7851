// QEMU as auditvm's child process: it starts with no signal of ours blocked (auditvm blocks SIGINT and
// SIGTERM in every thread for its signal thread, and a child inherits the mask), so `kill -TERM`
// stops it; and a killed QEMU is reaped at once, never left a zombie.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "image/builder.hpp"
#include "machine/machine.hpp"
#include "support/temp_dir.hpp"

namespace auditvm::machine {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

// Children of this process whose command is qemu-system-*.
std::vector<pid_t> qemu_children() {
  std::vector<pid_t> pids;
  for (const auto& entry : fs::directory_iterator("/proc")) {
    std::ifstream stat(entry.path() / "stat");
    std::string line;
    if (!std::getline(stat, line)) continue;
    auto close = line.rfind(')');
    auto open = line.find('(');
    if (close == std::string::npos || open == std::string::npos) continue;
    std::string comm = line.substr(open + 1, close - open - 1);
    char state = 0;
    long ppid = 0;
    if (std::sscanf(line.c_str() + close + 1, " %c %ld", &state, &ppid) != 2) continue;
    if (ppid == ::getpid() && comm.rfind("qemu-system", 0) == 0) pids.push_back(std::stoi(entry.path().filename()));
  }
  return pids;
}

std::string status_field(pid_t pid, const std::string& key) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind(key + ":", 0) == 0) return line.substr(line.find_first_not_of(" \t", key.size() + 1));
  return "";
}

class QemuProcessTest : public testing::Test {
 protected:
  void SetUp() override {
    auto manifest = image::find_image(Arch::x86_64);
    ASSERT_TRUE(manifest) << "build the images first: auditvm image build --arch x86_64";
    logs_ = test::make_temp_dir("qemuproc");
    BootOptions boot;
    boot.console_log = logs_ / "console.log";
    boot.accel = Accel::tcg;
    machine_ = make_machine(*manifest, boot, BackendOptions{});
    // As in auditvm (install_signal_cleanup): the thread that starts QEMU has SIGINT and SIGTERM blocked.
    sigset_t blocked, previous;
    sigemptyset(&blocked);
    sigaddset(&blocked, SIGINT);
    sigaddset(&blocked, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &blocked, &previous);
    machine_->boot();
    pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    auto pids = qemu_children();
    ASSERT_EQ(pids.size(), 1U);
    qemu_ = pids[0];
  }
  void TearDown() override {
    machine_.reset();
    fs::remove_all(logs_);
  }
  fs::path logs_;
  std::unique_ptr<Machine> machine_;
  pid_t qemu_ = -1;
};

TEST_F(QemuProcessTest, QemuHasNoSignalBlockedAndStopsOnSigterm) {
  // QEMU blocks a few signals itself (SIGBUS, SIGUSR1, SIGALRM, SIGIO: it reads them from a
  // signalfd); SIGINT and SIGTERM must not be among the blocked ones (it had 0x10006242).
  const auto blocked = std::stoull(status_field(qemu_, "SigBlk"), nullptr, 16);
  EXPECT_EQ(blocked & (1ULL << (SIGINT - 1)), 0U) << std::hex << blocked;
  EXPECT_EQ(blocked & (1ULL << (SIGTERM - 1)), 0U) << std::hex << blocked;
  ASSERT_EQ(::kill(qemu_, SIGTERM), 0);
  // A blocked SIGTERM would leave the command to finish (exit 0 after 20 s).
  EXPECT_THROW(machine_->run("sleep 20", 60s), MachineDied);
}

TEST_F(QemuProcessTest, AKilledQemuIsReapedNotLeftAZombie) {
  machine_.reset();  // kills QEMU (no shutdown)
  int status = 0;
  // Already reaped: waitpid has nothing left to wait for (a zombie or a survivor would be found).
  EXPECT_EQ(::waitpid(qemu_, &status, WNOHANG), -1);
  EXPECT_EQ(errno, ECHILD);
}

}  // namespace
}  // namespace auditvm::machine
