#include "machine/libvirt/libvirt_machine.hpp"

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <pwd.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <thread>

#include "core/errors.hpp"
#include "machine/libvirt/domain_xml.hpp"

namespace auditvm::machine {
namespace fs = std::filesystem;
namespace {

void silence_libvirt(void*, virErrorPtr) {}  // errors are reported through exceptions instead

std::string last_libvirt_error() {
  const char* message = virGetLastErrorMessage();
  return message ? message : "unknown libvirt error";
}

// A URI without a host (qemu:///system, qemu+unix:///system) runs QEMU on this machine.
bool is_local(const std::string& uri) {
  auto scheme_end = uri.find("://");
  return scheme_end != std::string::npos && uri.compare(scheme_end, 4, ":///") == 0;
}

// QEMU under a local system libvirt runs as libvirt-qemu: give it the run directory, where the
// socket, the console log and copies of kernel and initrd are.
void hand_over(const fs::path& path) {
  if (const passwd* qemu_user = ::getpwnam("libvirt-qemu")) (void)!::chown(path.c_str(), qemu_user->pw_uid, qemu_user->pw_gid);
}

// A private copy, not a hard link: libvirt's DAC driver relabels the file and remembers its owner
// on the inode, so a shared inode makes a second domain fail ("already in use").
fs::path stage(const fs::path& source, const fs::path& dir) {
  fs::path target = dir / source.filename();
  fs::copy_file(source, target, fs::copy_options::overwrite_existing);
  return target;
}

}  // namespace

LibvirtMachine::LibvirtMachine(image::Manifest manifest, BootOptions options, std::string uri)
    : GuestMachine(std::move(manifest), std::move(options)), uri_(std::move(uri)) {}

LibvirtMachine::~LibvirtMachine() { retire(); }

void LibvirtMachine::CloseConnection::operator()(_virConnect* connection) const { virConnectClose(connection); }

virConnectPtr LibvirtMachine::connection() {
  if (!connection_) {
    // The kernel, the initrd and the console socket are files here: a remote QEMU could not reach them.
    if (!is_local(uri_)) throw InfraError("--libvirt-uri " + uri_ + ": only local URIs (qemu:///system) are supported");
    virSetErrorFunc(nullptr, silence_libvirt);
    connection_.reset(virConnectOpen(uri_.c_str()));
    if (!connection_) throw InfraError("cannot connect to libvirt at " + uri_ + ": " + last_libvirt_error());
  }
  return connection_.get();
}

bool LibvirtMachine::kvm_usable() {
  // Asked of libvirt, not of /dev/kvm: its QEMU runs as another user (libvirt-qemu), which may
  // lack the access we have. No domain capabilities for virttype kvm: no KVM.
  const std::string arch(to_string(manifest().arch));
  char* caps = virConnectGetDomainCapabilities(connection(), nullptr, arch.c_str(), nullptr, "kvm", 0);
  if (!caps) return false;
  std::free(caps);
  return true;
}

GuestMachine::VmStart LibvirtMachine::start_vm(const fs::path& socket) {
  static std::atomic<unsigned> counter{0};
  DomainSpec spec;
  spec.name = "auditvm-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
  spec.manifest = &manifest();
  spec.kernel_command_line = kernel_command_line();
  spec.memory_mib = options().memory_mib;
  spec.kvm = accel() == Accel::kvm;
  spec.console_log = console_log();
  spec.channel_socket = socket;
  spec.kernel = stage(manifest().kernel, run_directory());
  spec.initrd = stage(manifest().initrd, run_directory());
  for (const auto& path : {run_directory(), socket, spec.kernel, spec.initrd}) hand_over(path);
  if (console_log().parent_path() != run_directory()) hand_over(console_log().parent_path());
  domain_name_ = spec.name;
  std::string xml = domain_xml(spec);
  // AUTODESTROY: libvirtd destroys the domain when our connection closes, even if we die.
  domain_ = virDomainCreateXML(connection(), xml.c_str(), VIR_DOMAIN_START_AUTODESTROY);
  if (!domain_) throw InfraError("libvirt could not start the domain: " + last_libvirt_error());
  return VmStart::booting;
}

bool LibvirtMachine::vm_running() { return domain_ && virDomainIsActive(domain_) == 1; }

bool LibvirtMachine::wait_vm_exit(std::chrono::milliseconds grace) {
  auto deadline = Clock::now() + grace;
  while (vm_running()) {
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return true;
}

void LibvirtMachine::kill_vm() {
  if (!domain_) return;
  if (virDomainIsActive(domain_) == 1) virDomainDestroy(domain_);
  virDomainFree(domain_);
  domain_ = nullptr;
}

std::string LibvirtMachine::vm_messages() {
  // libvirt keeps its QEMU's stderr in its own log (Debian's default log directory).
  auto tail = log_tail("/var/log/libvirt/qemu/" + domain_name_ + ".log", 10);
  return tail.empty() ? "" : "libvirt's QEMU log said:\n" + tail;
}

}  // namespace auditvm::machine
