#include "machine/qemu/qemu_machine.hpp"

#include <boost/process.hpp>
#include <boost/process/extend.hpp>
#include <signal.h>
#include <sys/prctl.h>
#include <thread>

#include "core/errors.hpp"
#include "machine/qemu/qemu_command.hpp"

namespace bp = boost::process;

namespace auditvm::machine {

QemuMachine::QemuMachine(image::Manifest manifest, BootOptions options)
    : GuestMachine(std::move(manifest), std::move(options)) {}

QemuMachine::~QemuMachine() { retire(); }

void QemuMachine::start_vm(const std::filesystem::path& socket) {
  auto argv = qemu_command(manifest(), options().memory_mib, accel(), kernel_command_line(), console_log(), socket);
  auto exe = bp::search_path(argv[0]);
  if (exe.empty()) throw InfraError(argv[0] + " not found (run scripts/setup.sh)");
  std::vector<std::string> args(argv.begin() + 1, argv.end());
  // QEMU's own stderr (warnings, "terminating on signal") goes next to the console log.
  // If auditvm dies between a signal's teardown and this spawn, the kernel kills QEMU with it.
  // (The signal follows the spawning thread: a machine lives and dies on the thread that booted it.)
  auto die_with_parent = bp::extend::on_exec_setup([](auto&) { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
  qemu_ = std::make_unique<bp::child>(exe, bp::args(args), bp::std_in.close(), bp::std_out > bp::null,
                                      bp::std_err > (console_log().string() + ".qemu"), die_with_parent);
}

bool QemuMachine::vm_running() { return qemu_ && qemu_->running(); }

bool QemuMachine::wait_vm_exit(std::chrono::milliseconds grace) {
  if (!qemu_) return true;
  std::error_code error;
  return qemu_->wait_for(grace, error) || !qemu_->running();
}

void QemuMachine::kill_vm() {
  if (!qemu_) return;
  std::error_code error;
  if (qemu_->running(error)) qemu_->terminate(error);
  qemu_->wait(error);
  qemu_.reset();
}

}  // namespace auditvm::machine
