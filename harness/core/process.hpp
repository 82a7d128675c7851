// Running host programs: to completion (apt-get, readelf, nix-build), or as a long-lived child
// (QEMU). argv, no shell. Every child starts with the default signal mask and dispositions:
// auditvm blocks SIGINT/SIGTERM for its signal thread, and a child must not inherit that.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

namespace auditvm {

struct ProcessResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// Throws InfraError when the program cannot be started (e.g. not installed). Runs with LC_ALL=C:
// callers parse what it prints.
ProcessResult run_process(const std::vector<std::string>& argv);

// The same, in `dir`, handing each line of stdout to `on_line` as it arrives (progress); the
// result's `out` stays empty.
ProcessResult run_process_lines(const std::vector<std::string>& argv, const std::filesystem::path& dir,
                                const std::function<void(const std::string&)>& on_line);

// The last `lines` lines of a program's output or log, for error messages.
std::string last_lines(const std::string& text, int lines);

// True when `program` is found on PATH.
bool program_exists(const std::string& program);

// In a forked child before exec (async-signal-safe): unblocks every signal and resets every
// disposition to its default.
void reset_signals_for_exec() noexcept;

// A long-lived child in its own process group: stdin closed, stdout discarded, stderr into
// `stderr_file`; killed with SIGKILL if the thread that started it dies. Thread-safe; the destructor kills and reaps it.
class ChildProcess {
 public:
  // Throws InfraError when the program cannot be found or started.
  ChildProcess(const std::vector<std::string>& argv, const std::filesystem::path& stderr_file);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  int pid() const { return pid_; }
  bool running();  // reaps it when it has exited
  bool wait_for(std::chrono::milliseconds grace);  // true when it exited (and was reaped) in time
  void kill();  // SIGKILL, then waits until it is reaped: gone when this returns; idempotent

 private:
  bool reap(bool block);  // with mutex_ held; true when reaped now or before
  std::mutex mutex_;
  int pid_ = -1;
  bool reaped_ = false;
};

}  // namespace auditvm
