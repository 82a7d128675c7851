#include "machine/qemu/qemu_machine.hpp"

#include <fcntl.h>

#include "core/fd.hpp"
#include "machine/qemu/qemu_command.hpp"

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

void QemuMachine::start_vm(const std::filesystem::path& socket) {
  auto argv = qemu_command(manifest(), options().memory_mib, accel(), kernel_command_line(), console_log(), socket);
  // QEMU's own stderr (warnings, "terminating on signal") goes next to the console log.
  qemu_ = std::make_unique<ChildProcess>(argv, console_log().string() + ".qemu");
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

