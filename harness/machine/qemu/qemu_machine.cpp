#include "machine/qemu/qemu_machine.hpp"

#include <fcntl.h>

#include <cstdio>
#include <fstream>
#include <iostream>

#include "core/fd.hpp"
#include "machine/qemu/qemu_command.hpp"
#include "machine/qemu/qmp.hpp"

namespace auditvm::machine {

QemuMachine::QemuMachine(image::Manifest manifest, BootOptions options)
    : GuestMachine(std::move(manifest), std::move(options)) {}

QemuMachine::~QemuMachine() { retire(); }

bool QemuMachine::kvm_usable() {
#if defined(__x86_64__)
  constexpr Arch host = Arch::x86_64;
#else
  constexpr Arch host = Arch::aarch64;
#endif
  // QEMU runs as us: KVM is usable when we can open /dev/kvm (whether it then works, boot finds out).
  return manifest().arch == host && Fd(::open("/dev/kvm", O_RDWR | O_CLOEXEC));
}

GuestMachine::VmStart QemuMachine::start_vm(const std::filesystem::path& socket) {
  QemuSnapshotOptions extras;
  if (auto* store = options().snapshots) {
    snapshot_key_ = snapshot_key(manifest(), kernel_command_line(), options().memory_mib, accel());
    snapshot_ = store->begin(snapshot_key_, options().alike_boots);
    if (snapshot_.how != GuestStart::boot) extras.qmp_socket = run_directory() / "qmp.sock";
    if (snapshot_.how == GuestStart::restore) {
      // The console log starts with the boot the snapshot was taken from, then continues.
      std::error_code ignored;
      std::filesystem::copy_file(snapshot_.console_log, console_log(), std::filesystem::copy_options::overwrite_existing, ignored);
      std::ofstream(console_log(), std::ios::app) << "\n[auditvm: the guest above was saved once its shell was ready; this one restored from it]\n";
      extras.incoming = snapshot_.file;
      extras.append_console = true;
    }
  }
  if (!restore_failure_.empty()) {
    // The failed attempt's console (the saved guest's, then nothing useful) gives way to the boot.
    std::ofstream(console_log(), std::ios::trunc) << restore_failure_ << "\n";
    extras.append_console = true;
  }
  auto argv = qemu_command(manifest(), options().memory_mib, accel(), kernel_command_line(), console_log(), socket, extras);
  // QEMU's own stderr (warnings, "terminating on signal") goes next to the console log.
  try {
    qemu_ = std::make_unique<ChildProcess>(argv, console_log().string() + ".qemu");
  } catch (...) {
    if (snapshot_.how == GuestStart::boot_and_save) options().snapshots->finished(snapshot_key_, false);
    throw;
  }
  return snapshot_.how == GuestStart::restore ? VmStart::restored : VmStart::booting;
}

void QemuMachine::shell_ready(Clock::time_point deadline) {
  if (snapshot_.how != GuestStart::boot_and_save) return;
  bool saved = false;
  try {
    // Stopped first, so the file is one consistent pass; then this guest goes on serving cells.
    Qmp qmp(run_directory() / "qmp.sock", deadline);
    qmp.execute("stop");
    qmp.execute("migrate", {{"uri", migration_uri(snapshot_.file, true)}});
    qmp.wait_for_migration();
    std::filesystem::copy_file(console_log(), snapshot_.console_log, std::filesystem::copy_options::overwrite_existing);
    qmp.execute("cont");
    saved = true;
  } catch (const std::exception& e) {
    // Not a failure of this guest unless it cannot go on: later guests alike boot instead.
    std::cerr << "auditvm: no snapshot of this guest (" << e.what() << "); later guests alike boot\n";
    options().snapshots->finished(snapshot_key_, false);
    Qmp(run_directory() / "qmp.sock", deadline).execute("cont");
    return;
  }
  options().snapshots->finished(snapshot_key_, saved);
}

void QemuMachine::resume_restored(Clock::time_point deadline) {
  Qmp qmp(run_directory() / "qmp.sock", deadline);
  // The source was stopped when saved, so the loaded guest stays paused until told to run.
  if (auto status = qmp.wait_while_status("inmigrate"); status != "paused" && status != "running")
    throw MachineDied("the snapshot did not load (QEMU status " + status + ")", console_log());
  qmp.execute("cont");
}

void QemuMachine::restore_failed(const std::string& why, double seconds) {
  char took[32];
  std::snprintf(took, sizeof took, "%.2f", seconds);
  std::string qemu = log_tail(console_log().string() + ".qemu", 3);
  while (!qemu.empty() && qemu.back() == '\n') qemu.pop_back();
  for (auto& c : qemu) if (c == '\n') c = ' ';
  restore_failure_ = "[auditvm: restoring this guest from its snapshot failed after " + std::string(took) + " s (" + why +
                     (qemu.empty() ? "" : "; QEMU said: " + qemu) + "); it boots instead]";
  std::cerr << "auditvm: " << restore_failure_.substr(10, restore_failure_.size() - 11) << "\n";
  if (auto* store = options().snapshots) store->failed_to_load(snapshot_key_);
}

bool QemuMachine::vm_running() { return qemu_ && qemu_->running(); }

bool QemuMachine::wait_vm_exit(std::chrono::milliseconds grace) { return !qemu_ || qemu_->wait_for(grace); }

void QemuMachine::kill_vm() {
  if (qemu_) qemu_->kill();
}

std::string QemuMachine::vm_messages() {
  // Why QEMU stopped (a refused option, a KVM failure) is only in its own stderr.
  auto tail = log_tail(console_log().string() + ".qemu", 10);
  return tail.empty() ? "" : "QEMU said:\n" + tail;
}

}  // namespace auditvm::machine

