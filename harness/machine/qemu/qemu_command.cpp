#include "machine/qemu/qemu_command.hpp"

#include <fcntl.h>
#include <unistd.h>

#include "core/errors.hpp"

namespace auditvm::machine {

Accel resolve_accel(Accel requested, Arch guest) {
#if defined(__x86_64__)
  constexpr Arch host = Arch::x86_64;
#else
  constexpr Arch host = Arch::aarch64;
#endif
  bool kvm_usable = false;
  if (guest == host) {
    int fd = ::open("/dev/kvm", O_RDWR | O_CLOEXEC);
    kvm_usable = fd >= 0;
    if (fd >= 0) ::close(fd);
  }
  if (requested == Accel::kvm && !kvm_usable) throw InfraError("--accel kvm: /dev/kvm is not usable for a " + std::string(to_string(guest)) + " guest here");
  if (requested == Accel::automatic) return kvm_usable ? Accel::kvm : Accel::tcg;
  return requested;
}

std::vector<std::string> qemu_command(const image::Manifest& manifest, unsigned memory_mib, Accel accel,
                                      const std::string& kernel_command_line, const std::filesystem::path& console_log,
                                      const std::filesystem::path& channel_socket) {
  const bool kvm = accel == Accel::kvm;
  std::vector<std::string> argv;
  if (manifest.arch == Arch::x86_64) {
    // q35 boots the ELF vmlinux through PVH, skipping the bzImage decompressor.
    argv = {"qemu-system-x86_64", "-machine", "q35", "-cpu", kvm ? "host" : "max"};
  } else {
    // cortex-a57 is ~3x faster than max under TCG and still runs AArch32 (b32) code.
    argv = {"qemu-system-aarch64", "-machine", "virt", "-cpu", kvm ? "host" : "cortex-a57"};
  }
  std::vector<std::string> common{
      "-accel", kvm ? "kvm" : "tcg", "-smp", "1", "-m", std::to_string(memory_mib),
      "-nodefaults", "-nographic", "-no-reboot", "-monitor", "none", "-nic", "none",
      "-kernel", manifest.kernel.string(), "-initrd", manifest.initrd.string(), "-append", kernel_command_line,
      "-serial", "file:" + console_log.string(),
      // The guest's shell console: QEMU connects to the socket auditvm listens on (as NixOS's driver does).
      "-device", "virtio-serial-pci", "-chardev", "socket,id=shell,path=" + channel_socket.string(),
      "-device", "virtconsole,chardev=shell"};
  argv.insert(argv.end(), common.begin(), common.end());
  for (const auto& dir : manifest.shared_directories)
    argv.insert(argv.end(), {"-virtfs", "local,path=" + dir.host_path.string() + ",mount_tag=" + dir.mount_tag +
                                            ",security_model=none,readonly=on"});
  return argv;
}

}  // namespace auditvm::machine
