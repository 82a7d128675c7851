// Host programs: parsed output in the C locale, and children that start with default signals
// (auditvm blocks SIGINT/SIGTERM for its signal thread) and are reaped when killed.
#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <string>

#include "core/errors.hpp"
#include "core/process.hpp"

namespace auditvm {
namespace {

using namespace std::chrono_literals;

// Blocks SIGINT and SIGTERM in this thread and ignores SIGHUP, as long as it lives.
struct HostileSignals {
  HostileSignals() {
    sigset_t blocked;
    sigemptyset(&blocked);
    sigaddset(&blocked, SIGINT);
    sigaddset(&blocked, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &blocked, &previous_mask);
    previous_hup = ::signal(SIGHUP, SIG_IGN);
  }
  ~HostileSignals() {
    pthread_sigmask(SIG_SETMASK, &previous_mask, nullptr);
    ::signal(SIGHUP, previous_hup);
  }
  sigset_t previous_mask;
  sighandler_t previous_hup;
};

std::string status_field(pid_t pid, const std::string& key) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind(key + ":", 0) == 0) return line.substr(line.find_first_not_of(" \t", key.size() + 1));
  return "";
}

TEST(RunProcess, RunsInTheCLocale) {
  ::setenv("LC_ALL", "C.UTF-8", 1);  // a user's locale (one that exists here)
  auto result = run_process({"sh", "-c", "printf %s \"$LC_ALL\""});
  ::unsetenv("LC_ALL");
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.out, "C");
}

TEST(RunProcess, ChildrenStartWithDefaultSignals) {
  HostileSignals hostile;
  auto result = run_process({"grep", "-E", "^Sig(Blk|Ign)", "/proc/self/status"});
  EXPECT_EQ(result.out, "SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n");
}

TEST(RunProcessLines, HandsOverEachLineInTheCLocale) {
  std::vector<std::string> lines;
  auto result = run_process_lines({"sh", "-c", "pwd; echo \"$LC_ALL\"; echo oops >&2; exit 3"}, "/tmp",
                                  [&](const std::string& line) { lines.push_back(line); });
  EXPECT_EQ(lines, (std::vector<std::string>{"/tmp", "C"}));
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_EQ(result.err, "oops\n");
}

TEST(ChildProcess, StartsWithNoSignalBlockedAndStopsOnSigterm) {
  HostileSignals hostile;
  ChildProcess child({"sleep", "30"}, "/dev/null");
  EXPECT_EQ(status_field(child.pid(), "SigBlk"), "0000000000000000");
  EXPECT_EQ(status_field(child.pid(), "SigIgn"), "0000000000000000");
  ASSERT_EQ(::kill(child.pid(), SIGTERM), 0);
  EXPECT_TRUE(child.wait_for(5s)) << "SIGTERM did not stop the child";
}

TEST(ChildProcess, RunsInItsOwnProcessGroup) {
  // A terminal's Ctrl-C goes to the foreground group: auditvm's, not the child's (set before exec,
  // so before the constructor returns).
  ChildProcess child({"sleep", "30"}, "/dev/null");
  EXPECT_EQ(::getpgid(child.pid()), child.pid());
  EXPECT_NE(::getpgid(child.pid()), ::getpgrp());
}

TEST(ChildProcess, KillReapsAtOnce) {
  ChildProcess child({"sleep", "30"}, "/dev/null");
  EXPECT_TRUE(child.running());
  child.kill();
  int status = 0;
  EXPECT_EQ(::waitpid(child.pid(), &status, WNOHANG), -1) << "a zombie or a survivor is left";
  EXPECT_EQ(errno, ECHILD);
  EXPECT_FALSE(child.running());
}

TEST(ChildProcess, AProgramThatCannotStartIsAnInfraError) {
  EXPECT_THROW(ChildProcess({"no-such-program-auditvm"}, "/dev/null"), InfraError);
  EXPECT_THROW(ChildProcess({"/etc/passwd"}, "/dev/null"), InfraError);  // not executable
}

TEST(LastLines, KeepsTheEnd) {
  EXPECT_EQ(last_lines("a\nb\nc\n", 2), "b\nc\n");
  EXPECT_EQ(last_lines("a\nb", 5), "a\nb");
  EXPECT_EQ(last_lines("", 3), "");
  EXPECT_EQ(last_lines("one\n", 3), "one\n");
  EXPECT_EQ(last_lines("a\nb\n", 0), "");
}

}  // namespace
}  // namespace auditvm
