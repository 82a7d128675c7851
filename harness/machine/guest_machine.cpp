#include "machine/guest_machine.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <thread>

#include "core/errors.hpp"
#include "machine/cleanup.hpp"
#include "machine/qemu/qemu_command.hpp"

#include <atomic>
#include <iostream>

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
  std::string line;
  for (const auto& param : manifest_.kernel_params) line += (line.empty() ? "" : " ") + param;
  for (const auto& param : options_.extra_kernel_params) line += " " + param;
  for (const auto& dir : manifest_.shared_directories) line += " auditvm.share=" + dir.mount_tag + ":" + dir.guest_path;
  return line;
}

void GuestMachine::died(const std::string& what) {
  kill_vm();
  throw MachineDied(what + " (console log: " + options_.console_log.string() + ")", options_.console_log);
}

int GuestMachine::accept_channel(int listener, Clock::time_point deadline) {
  while (Clock::now() < deadline) {
    pollfd pfd{listener, POLLIN, 0};
    if (::poll(&pfd, 1, 200) > 0) return ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
    if (!vm_running()) died("the VM exited before connecting its console");
  }
  kill_vm();
  throw BootTimeout("the VM did not connect its console within " + std::to_string(options_.boot_timeout.count()) + " s",
                    options_.console_log);
}

namespace {
std::atomic<bool> kvm_failed{false};  // once KVM misbehaves here, the rest of the run uses TCG
}

void GuestMachine::boot() {
  Accel accel = resolve_accel(options_.accel, manifest_.arch);
  if (options_.accel != Accel::automatic || accel == Accel::tcg) return boot_with(accel, options_.boot_timeout);
  if (!kvm_failed) {
    // /dev/kvm can open and still fail (nested virtualisation): a KVM guest shows its shell in a
    // second or two, so a short first attempt costs little; then fall back to TCG.
    try {
      return boot_with(Accel::kvm, std::min(options_.boot_timeout, std::chrono::seconds(30)));
    } catch (const MachineError& e) {
      kvm_failed = true;
      std::cerr << "auditvm: KVM did not work here (" << e.what() << "); using TCG\n";
      retire();
    }
  }
  boot_with(Accel::tcg, options_.boot_timeout);
}

void GuestMachine::boot_with(Accel accel, std::chrono::seconds timeout) {
  accel_ = accel;
  // A private 0700 directory (or the caller's) for the socket; removed on every exit path.
  if (options_.run_directory.empty()) {
    const char* base = std::getenv("XDG_RUNTIME_DIR");
    std::string pattern = std::string(base && *base ? base : "/tmp") + "/auditvm-XXXXXX";
    if (!::mkdtemp(pattern.data())) throw InfraError("cannot create a run directory under " + pattern);
    run_dir_ = pattern;
    owns_run_dir_ = true;
  } else {
    run_dir_ = options_.run_directory;
    fs::create_directories(run_dir_);
  }
  if (options_.console_log.empty()) options_.console_log = run_dir_ / "console.log";
  fs::create_directories(options_.console_log.parent_path());
  cleanup_id_ = register_cleanup([this] { teardown(); });

  fs::path socket_path = run_dir_ / "shell.sock";
  int listener = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (socket_path.string().size() >= sizeof address.sun_path) throw InfraError("socket path too long: " + socket_path.string());
  std::strcpy(address.sun_path, socket_path.c_str());
  if (listener < 0 || ::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || ::listen(listener, 1) != 0)
    throw InfraError("cannot listen on " + socket_path.string());
  struct CloseListener {
    int fd;
    ~CloseListener() { ::close(fd); }
  } close_listener{listener};

  auto deadline = Clock::now() + timeout;
  {
    std::lock_guard lock(lifecycle_mutex_);
    if (stop_requested()) throw InfraError("auditvm is stopping: no new machines");
    start_vm(socket_path);
  }
  int fd = accept_channel(listener, deadline);
  channel_ = std::make_unique<Channel>(fd);
  switch (channel_->wait_for_banner(deadline)) {
    case Channel::Wait::ready: break;
    case Channel::Wait::closed: died("the VM closed its console before the shell started");
    case Channel::Wait::timed_out:
      kill_vm();
      throw BootTimeout("no shell within " + std::to_string(std::chrono::duration_cast<std::chrono::seconds>(timeout).count()) + " s", options_.console_log);
  }
  channel_->install();
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
  if (channel_) channel_->send_raw("poweroff -f\n");
  bool clean = wait_vm_exit(options_.shutdown_grace);
  teardown();
  if (!clean) throw ShutdownTimeout("the VM did not power off within " + std::to_string(options_.shutdown_grace.count()) + " s; killed",
                                    options_.console_log);
}

}  // namespace auditvm::machine
