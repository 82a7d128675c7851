#include "machine/guest_machine.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>

#include "core/errors.hpp"
#include "core/fd.hpp"
#include "core/process.hpp"
#include "machine/cleanup.hpp"
#include "machine/kernel_command_line.hpp"
#include "machine/run_directory.hpp"

namespace auditvm::machine {
namespace fs = std::filesystem;

GuestMachine::GuestMachine(image::Manifest manifest, BootOptions options)
    : manifest_(std::move(manifest)), options_(std::move(options)) {}

GuestMachine::~GuestMachine() {
  if (cleanup_id_) unregister_cleanup(cleanup_id_);
  if (owns_run_dir_) {
    std::error_code ignored;
    fs::remove_all(run_dir_, ignored);
  }
}

void GuestMachine::retire() noexcept {
  if (cleanup_id_) unregister_cleanup(cleanup_id_);
  cleanup_id_ = 0;
  teardown();
}

void GuestMachine::teardown() noexcept {
  std::lock_guard lock(lifecycle_mutex_);
  try {
    kill_vm();
  } catch (...) {
  }
  // channel_ stays: another thread may be reading from it; with the VM gone it reads EOF.
  std::error_code ignored;
  if (owns_run_dir_) fs::remove_all(run_dir_, ignored);
  owns_run_dir_ = false;
}

std::string GuestMachine::kernel_command_line() const {
  return machine::kernel_command_line(manifest_, options_.extra_kernel_params);
}

namespace {

// The end of a log that may be large (a reused guest's console).
std::string file_end(const fs::path& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return {};
  const std::streamoff size = in.tellg(), start = std::max<std::streamoff>(0, size - 16384);
  in.seekg(start);
  std::string text(static_cast<std::size_t>(size - start), '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  return text;
}

// The line of `text` that contains `at`.
std::string line_at(const std::string& text, std::size_t at) {
  auto start = text.rfind('\n', at);
  start = start == std::string::npos ? 0 : start + 1;
  return text.substr(start, text.find('\n', at) - start);
}

}  // namespace

std::string GuestMachine::log_tail(const fs::path& log, int lines) { return last_lines(file_end(log), lines); }

std::string GuestMachine::with_logs(const std::string& what) {
  // The reason (a kernel panic, QEMU refusing an option) is in these logs: say it, not only where.
  std::string message = what + " (console log: " + options_.console_log.string() + ")";
  const std::string console = file_end(options_.console_log);
  // A panic's own line comes before its stack trace, further up than the last lines.
  if (auto panic = console.rfind("Kernel panic - not syncing"); panic != std::string::npos)
    message += "\nthe guest kernel panicked: " + line_at(console, panic);
  if (!console.empty()) message += "\nlast lines of the console:\n" + last_lines(console, 15);
  if (auto messages = vm_messages(); !messages.empty()) message += "\n" + messages;
  return message;
}

void GuestMachine::died(const std::string& what) {
  kill_vm();
  throw MachineDied(with_logs(what), options_.console_log);
}

void GuestMachine::timed_out_booting(const std::string& what) {
  kill_vm();
  throw BootTimeout(with_logs(what), options_.console_log);
}

Fd GuestMachine::accept_channel(const Fd& listener, Clock::time_point deadline) {
  while (Clock::now() < deadline) {
    pollfd pfd{listener.get(), POLLIN, 0};
    if (::poll(&pfd, 1, 200) > 0) {
      Fd fd(::accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
      if (!fd) throw InfraError(std::string("accepting the VM's console connection failed: ") + std::strerror(errno));
      return fd;
    }
    if (!vm_running()) died("the VM exited before connecting its console");
  }
  timed_out_booting("the VM did not connect its console within " + std::to_string(options_.boot_timeout.count()) + " s");
}

namespace {
std::atomic<bool> kvm_failed{false};  // once KVM misbehaves here, the rest of the run uses TCG
}

void GuestMachine::boot() {
  const std::string arch(to_string(manifest_.arch));
  switch (options_.accel) {
    case Accel::tcg: return boot_with(Accel::tcg, options_.boot_timeout);
    case Accel::kvm:
      if (!kvm_usable()) throw InfraError("--accel kvm: KVM is not usable for a " + arch + " guest here");
      return boot_with(Accel::kvm, options_.boot_timeout);
    case Accel::automatic: break;
  }
  if (!kvm_failed && kvm_usable()) {
    // KVM can be offered and still fail (nested virtualisation: QEMU aborts, or the guest hangs):
    // a KVM guest shows its shell in a second or two, so a short first attempt costs little.
    try {
      return boot_with(Accel::kvm, std::min(options_.boot_timeout, std::chrono::seconds(30)));
    } catch (const InfraError& e) {
      if (stop_requested()) throw;
      kvm_failed = true;
      std::cerr << "auditvm: KVM did not work here (" << e.what() << "); using TCG\n";
      retire();
    }
  }
  boot_with(Accel::tcg, options_.boot_timeout);
}

void GuestMachine::boot_with(Accel accel, std::chrono::seconds timeout) {
  accel_ = accel;
  // Registered before anything exists on disk, and created under the lifecycle lock: a signal
  // sweep either waits for the directory and removes it, or runs first and no directory is made
  // (a directory made between the sweep and _exit was left behind).
  cleanup_id_ = register_cleanup([this] { teardown(); });
  {
    std::lock_guard lock(lifecycle_mutex_);
    if (stop_requested()) throw InfraError("auditvm is stopping: no new machines");
    // A private 0700 directory (or the caller's) for the socket; removed on every exit path.
    if (options_.run_directory.empty()) {
      const char* base = std::getenv("XDG_RUNTIME_DIR");
      run_dir_ = make_run_directory(base && *base ? base : "/tmp");  // also sweeps those of killed runs
      owns_run_dir_ = true;
    } else {
      run_dir_ = options_.run_directory;
      fs::create_directories(run_dir_);
    }
    if (options_.console_log.empty()) options_.console_log = run_dir_ / "console.log";
    fs::create_directories(options_.console_log.parent_path());
  }

  fs::path socket_path = run_dir_ / "shell.sock";
  Fd listener(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!listener) throw InfraError(std::string("cannot create a unix socket: ") + std::strerror(errno));
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (socket_path.string().size() >= sizeof address.sun_path) throw InfraError("socket path too long: " + socket_path.string());
  std::strcpy(address.sun_path, socket_path.c_str());
  if (::bind(listener.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || ::listen(listener.get(), 1) != 0)
    throw InfraError("cannot listen on " + socket_path.string() + ": " + std::strerror(errno));

  auto deadline = Clock::now() + timeout;
  auto start_locked = [&] {
    std::lock_guard lock(lifecycle_mutex_);
    if (stop_requested()) throw InfraError("auditvm is stopping: no new machines");
    return start_vm(socket_path);
  };
  if (start_locked() == VmStart::restored) {
    const auto began = Clock::now();
    try {
      channel_ = std::make_unique<Channel>(accept_channel(listener, deadline));
      // The shell waits where it waited when saved: no banner, the channel's helper already defined.
      resume_restored(deadline);
      resync_restored_guest(deadline);
      restored_ = true;
      return;
    } catch (const std::exception& e) {
      // A snapshot that does not load (damaged, truncated, refused by QEMU) costs the attempt, not
      // the cell: the guest boots as it would have without one, with a whole boot timeout.
      const double seconds = std::chrono::duration<double>(Clock::now() - began).count();
      std::string why = e.what();
      why = why.substr(0, why.find('\n'));
      {
        std::lock_guard lock(lifecycle_mutex_);
        kill_vm();
      }
      channel_.reset();
      restore_failed(why, seconds);
      deadline = Clock::now() + timeout;
      if (start_locked() == VmStart::restored) died("the snapshot did not load, and the backend restored again instead of booting");
    }
  }
  channel_ = std::make_unique<Channel>(accept_channel(listener, deadline));
  const std::string no_shell = "no shell within " + std::to_string(timeout.count()) + " s";
  switch (channel_->wait_for_banner(deadline)) {
    case Channel::Wait::ready: break;
    case Channel::Wait::closed: died("the VM closed its console before the shell started");
    case Channel::Wait::timed_out: timed_out_booting(no_shell);
  }
  switch (channel_->install(deadline)) {
    case Channel::Status::ok: break;
    case Channel::Status::closed: died("the VM closed its console before the shell started");
    case Channel::Status::timed_out: timed_out_booting(no_shell);
  }
  shell_ready(deadline);
}

void GuestMachine::resync_restored_guest(Clock::time_point deadline) {
  // Records carry the guest's wall clock, which stood still in the snapshot; every restored guest
  // would also share one entropy pool (nothing in auditd or the records depends on it, but each
  // guest gets its own bytes as a booted one would).
  auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
  std::string bytes(32, '\0');
  if (Fd random(::open("/dev/urandom", O_RDONLY | O_CLOEXEC)); !random || ::read(random.get(), bytes.data(), bytes.size()) != 32)
    throw InfraError("cannot read /dev/urandom");
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(since_epoch).count();
  auto timeout = std::chrono::duration_cast<std::chrono::seconds>(deadline - Clock::now());
  auto result = run("date -u -s @" + std::to_string(seconds) + " >/dev/null && printf %s " + base64_encode(bytes) + " >/dev/urandom",
                    std::max(timeout, std::chrono::seconds(5)));
  if (result.exit_status != 0) died("the restored guest could not set its clock: " + result.err);
}

CommandResult GuestMachine::run(const std::string& script, std::chrono::seconds timeout) {
  if (!channel_) throw InfraError("run() on a machine that is not booted");
  CommandResult result;
  Channel::Status status;
  try {
    status = channel_->run(script, timeout, result);
  } catch (const ChannelError& e) {
    throw ChannelLost(e.what(), options_.console_log);
  }
  switch (status) {
    case Channel::Status::ok: return result;
    case Channel::Status::closed: died("the VM went away during a command");
    case Channel::Status::timed_out:
      if (!vm_running()) died("the VM went away during a command");
      throw CommandTimeout("command did not finish within " + std::to_string(timeout.count()) + " s", options_.console_log);
  }
  return result;
}

std::string GuestMachine::read_file(const std::string& guest_path, std::chrono::seconds timeout) {
  // ANSI-C quoting keeps any path safe; the channel keeps the content byte exact.
  auto result = run("cat -- " + ansi_c_quote(guest_path), timeout);
  if (result.exit_status != 0) throw InfraError("cannot read " + guest_path + " in the guest: " + result.err);
  return result.out;
}

void GuestMachine::shutdown() {
  if (down_) return;
  down_ = true;
  if (channel_) channel_->send_raw("poweroff -f\n", Clock::now() + options_.shutdown_grace);
  bool clean = wait_vm_exit(options_.shutdown_grace);
  teardown();
  if (!clean) throw ShutdownTimeout("the VM did not power off within " + std::to_string(options_.shutdown_grace.count()) + " s; killed",
                                    options_.console_log);
}

}  // namespace auditvm::machine
