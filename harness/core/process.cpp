#include "core/process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/process.hpp>
#include <boost/process/extend.hpp>
#include <cerrno>
#include <cstring>
#include <future>
#include <thread>

#include "core/errors.hpp"
#include "core/fd.hpp"

namespace bp = boost::process;

namespace auditvm {

bool program_exists(const std::string& program) { return !bp::search_path(program).empty(); }

std::string last_lines(const std::string& text, int lines) {
  if (lines <= 0) return {};
  std::size_t at = text.size();
  if (at > 0 && text[at - 1] == '\n') --at;  // the final newline ends the last line
  for (int i = 0; i < lines; ++i) {
    if (at == 0) return text;
    auto newline = text.rfind('\n', at - 1);
    if (newline == std::string::npos) return text;
    at = newline;
  }
  return text.substr(at + 1);
}

void reset_signals_for_exec() noexcept {
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  struct sigaction action {};
  action.sa_handler = SIG_DFL;
  sigemptyset(&action.sa_mask);
  for (int signal = 1; signal < NSIG; ++signal)
    if (signal != SIGKILL && signal != SIGSTOP) ::sigaction(signal, &action, nullptr);  // EINVAL for RT internals: fine
}

namespace {

boost::filesystem::path find_program(const std::string& name) {
  auto exe = name.find('/') == std::string::npos ? bp::search_path(name) : boost::filesystem::path(name);
  if (exe.empty()) throw InfraError(name + ": not found on PATH (run scripts/setup.sh)");
  return exe;
}

// Every host program starts the same way: found on PATH, stdin closed, LC_ALL=C (its output is
// parsed: no translated or localised text), signals reset.
template <class... Properties>
bp::child start_program(const std::vector<std::string>& argv, Properties&&... properties) {
  if (argv.empty()) throw InfraError("run_process: empty command");
  auto exe = find_program(argv[0]);
  std::vector<std::string> args(argv.begin() + 1, argv.end());
  bp::environment environment = boost::this_process::environment();
  environment["LC_ALL"] = "C";
  return bp::child(exe, bp::args(args), environment, bp::std_in.close(),
                   bp::extend::on_exec_setup([](auto&) { reset_signals_for_exec(); }), std::forward<Properties>(properties)...);
}

}  // namespace

ProcessResult run_process(const std::vector<std::string>& argv) {
  std::future<std::string> out, err;
  boost::asio::io_context io;
  auto child = start_program(argv, bp::std_out > out, bp::std_err > err, io);
  io.run();
  child.wait();
  return {child.exit_code(), out.get(), err.get()};
}

ProcessResult run_process_lines(const std::vector<std::string>& argv, const std::filesystem::path& dir,
                                const std::function<void(const std::string&)>& on_line) {
  bp::ipstream out;
  std::future<std::string> err;
  boost::asio::io_context io;
  auto child = start_program(argv, bp::start_dir(dir.string()), bp::std_out > out, bp::std_err > err, io);
  std::thread reader([&] { io.run(); });  // collects stderr while stdout is read here
  for (std::string line; std::getline(out, line);) on_line(line);
  child.wait();
  reader.join();
  return {child.exit_code(), "", err.get()};
}

ChildProcess::ChildProcess(const std::vector<std::string>& argv, const std::filesystem::path& stderr_file) {
  if (argv.empty()) throw InfraError("ChildProcess: empty command");
  const std::string exe = find_program(argv[0]).string();
  // Everything the child touches is prepared here: between fork and exec only async-signal-safe calls.
  std::vector<char*> args;
  for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  Fd null_fd(::open("/dev/null", O_RDWR | O_CLOEXEC));
  Fd err_fd(::open(stderr_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (!null_fd || !err_fd) throw InfraError("cannot open " + stderr_file.string() + " for " + argv[0] + "'s messages: " + std::strerror(errno));
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) throw InfraError(std::string("pipe2: ") + std::strerror(errno));
  Fd status_read(pipe_fds[0]), status_write(pipe_fds[1]);  // exec closes the write end; an errno comes back on failure
  const pid_t parent = ::getpid();
  pid_ = ::fork();
  if (pid_ < 0) throw InfraError("cannot start " + argv[0] + ": " + std::strerror(errno));
  if (pid_ == 0) {
    reset_signals_for_exec();
    // If auditvm dies between a signal's teardown and this spawn, the kernel kills the child with it.
    // (The signal follows the spawning thread: a machine lives and dies on the thread that booted it.)
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    // Its own process group: a Ctrl-C at the terminal reaches auditvm only, whose signal thread
    // then stops every child in order (QEMU dying of it first would look like a failed cell).
    ::setpgid(0, 0);
    ::dup2(null_fd.get(), 0);
    ::dup2(null_fd.get(), 1);
    ::dup2(err_fd.get(), 2);
    ::execv(exe.c_str(), args.data());
    int error = errno;
    (void)!::write(status_write.get(), &error, sizeof error);
    ::_exit(127);
  }
  status_write.reset();
  int error = 0;
  ssize_t n;
  while ((n = ::read(status_read.get(), &error, sizeof error)) < 0 && errno == EINTR) {
  }
  if (n > 0) {
    std::lock_guard lock(mutex_);
    reap(true);
    throw InfraError("cannot start " + exe + ": " + std::strerror(error));
  }
}

ChildProcess::~ChildProcess() { kill(); }

bool ChildProcess::reap(bool block) {
  if (reaped_) return true;
  while (true) {
    int status = 0;
    pid_t got = ::waitpid(pid_, &status, block ? 0 : WNOHANG);
    if (got < 0 && errno == EINTR) continue;
    if (got == 0) return false;
    reaped_ = true;  // reaped now, or (ECHILD) not ours to wait for any more
    return true;
  }
}

bool ChildProcess::running() {
  std::lock_guard lock(mutex_);
  return !reap(false);
}

bool ChildProcess::wait_for(std::chrono::milliseconds grace) {
  auto deadline = std::chrono::steady_clock::now() + grace;
  while (running()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

void ChildProcess::kill() {
  std::lock_guard lock(mutex_);
  if (reap(false)) return;
  ::kill(pid_, SIGKILL);
  reap(true);  // not WNOHANG: the child is gone (no zombie, no survivor) when this returns
}

}  // namespace auditvm
