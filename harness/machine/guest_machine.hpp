// What every backend shares: the run directory, the listening channel socket the VM connects
// to, boot/command/shutdown deadlines and how failures are reported. A backend only starts,
// watches and kills its VM.
#pragma once

#include <memory>
#include <mutex>
#include <optional>

#include "machine/channel.hpp"
#include "machine/machine.hpp"

namespace auditvm::machine {

class GuestMachine : public Machine {
 public:
  GuestMachine(image::Manifest manifest, BootOptions options);
  ~GuestMachine() override;

  void boot() override;
  CommandResult run(const std::string& script, std::chrono::seconds timeout) override;
  std::string read_file(const std::string& guest_path, std::chrono::seconds timeout) override;
  void shutdown() override;
  const image::Manifest& manifest() const override { return manifest_; }
  std::filesystem::path console_log() const override { return options_.console_log; }
  bool restored() const override { return restored_; }

 protected:
  // Backends: whether a KVM guest can start at all (as the backend's QEMU would run it).
  virtual bool kvm_usable() = 0;
  // Start the VM so that it connects its virtio console to `socket`: booting, or restored from a
  // snapshot of a guest whose shell was ready (its banner long shown, the channel installed).
  enum class VmStart { booting, restored };
  virtual VmStart start_vm(const std::filesystem::path& socket) = 0;
  // A booted guest's shell is ready, nothing else ran yet: the moment to save a snapshot.
  virtual void shell_ready(Clock::time_point deadline) { (void)deadline; }
  // A restored VM connected its console: run it (it may wait for its snapshot to load).
  virtual void resume_restored(Clock::time_point deadline) { (void)deadline; }
  // Restoring failed after `seconds` (its VM already killed): the next start_vm must boot.
  virtual void restore_failed(const std::string& why, double seconds) { (void)why, (void)seconds; }
  virtual bool vm_running() = 0;
  virtual bool wait_vm_exit(std::chrono::milliseconds grace) = 0;  // true when it exited
  virtual void kill_vm() = 0;                                       // idempotent
  // What the backend knows about why the VM stopped (e.g. the tail of QEMU's own log); may be empty.
  virtual std::string vm_messages() { return {}; }

  // Kills the VM and removes the run directory; idempotent.
  void teardown() noexcept;
  // Subclass destructors call this first: it takes the machine out of the signal cleanup (waiting
  // if a signal's cleanup is running, which then ends the process) and tears down, so the signal
  // thread never reaches a machine that is being destroyed.
  void retire() noexcept;
  std::string kernel_command_line() const;
  // The last `lines` lines of a log (only its end is read: a reused guest's console can be large).
  static std::string log_tail(const std::filesystem::path& log, int lines);
  const BootOptions& options() const { return options_; }
  Accel accel() const { return accel_; }  // what this boot uses (auto already resolved)
  const std::filesystem::path& run_directory() const { return run_dir_; }

 private:
  [[noreturn]] void died(const std::string& what);
  [[noreturn]] void timed_out_booting(const std::string& what);
  std::string with_logs(const std::string& what);  // + the console's (and the backend's) last lines
  void boot_with(Accel accel, std::chrono::seconds timeout);
  // A restored guest's clock and entropy pool were saved with it: set from the host's.
  void resync_restored_guest(Clock::time_point deadline);
  Fd accept_channel(const Fd& listener, Clock::time_point deadline);

  image::Manifest manifest_;
  BootOptions options_;
  std::filesystem::path run_dir_;
  bool owns_run_dir_ = false;
  std::unique_ptr<Channel> channel_;
  int cleanup_id_ = 0;
  bool down_ = false;
  bool restored_ = false;
  // Held while the backend starts the VM and while it is torn down, so a signal's teardown that
  // arrives mid-start waits for the VM (QEMU process, libvirt domain) to exist, then removes it.
  std::mutex lifecycle_mutex_;
  Accel accel_ = Accel::tcg;
};

}  // namespace auditvm::machine
