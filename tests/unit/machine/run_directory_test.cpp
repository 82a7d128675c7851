#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

#include "machine/run_directory.hpp"
#include "support/temp_dir.hpp"

namespace auditvm::machine {
namespace {

namespace fs = std::filesystem;

// A pid that belonged to a process now gone (forked, exited, reaped).
pid_t dead_pid() {
  pid_t pid = ::fork();
  if (pid == 0) ::_exit(0);
  ::waitpid(pid, nullptr, 0);
  return pid;
}

class RunDirectoryTest : public test::TempDirTest {
 protected:
  RunDirectoryTest() : TempDirTest("run-directory") {}
  fs::path run_dir_of(pid_t pid) {
    fs::path dir = dir_ / ("auditvm-run-" + std::to_string(pid) + "-AbC123");
    fs::create_directories(dir);
    std::ofstream(dir / "shell.sock") << "";
    return dir;
  }
};

TEST_F(RunDirectoryTest, AKilledRunsDirectoryIsSweptALiveOneKept) {
  fs::path stale = run_dir_of(dead_pid());
  fs::path live = run_dir_of(::getpid());
  fs::path parent = run_dir_of(::getppid());
  fs::create_directories(dir_ / "auditvm-test-AbC123");  // not a run directory: someone else's
  fs::create_directories(dir_ / "auditvm-run-AbC123");   // no pid in the name
  EXPECT_EQ(sweep_stale_run_directories(dir_), 1);
  EXPECT_FALSE(fs::exists(stale));
  EXPECT_TRUE(fs::exists(live / "shell.sock"));
  EXPECT_TRUE(fs::exists(parent));
  EXPECT_TRUE(fs::exists(dir_ / "auditvm-test-AbC123"));
  EXPECT_TRUE(fs::exists(dir_ / "auditvm-run-AbC123"));
}

TEST_F(RunDirectoryTest, ANewRunDirectoryIsPrivateNamedForThisProcessAndSweepsFirst) {
  fs::path stale = run_dir_of(dead_pid());
  fs::path made = make_run_directory(dir_);
  EXPECT_FALSE(fs::exists(stale));
  EXPECT_EQ(made.parent_path(), dir_);
  EXPECT_EQ(made.filename().string().rfind("auditvm-run-" + std::to_string(::getpid()) + "-", 0), 0u) << made;
  EXPECT_EQ(fs::status(made).permissions() & fs::perms::all, fs::perms::owner_all);
  EXPECT_EQ(sweep_stale_run_directories(dir_), 0);  // its owner (this process) is alive
  EXPECT_TRUE(fs::exists(made));
}

}  // namespace
}  // namespace auditvm::machine
