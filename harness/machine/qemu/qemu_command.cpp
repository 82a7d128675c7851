#include "machine/qemu/qemu_command.hpp"

#include "core/arch_table.hpp"

namespace auditvm::machine {

std::string qemu_option_value(const std::string& value) {
  std::string out;
  for (char c : value) {
    out += c;
    if (c == ',') out += ',';
  }
  return out;
}

std::vector<std::string> qemu_command(const image::Manifest& manifest, unsigned memory_mib, Accel accel,
                                      const std::string& kernel_command_line, const std::filesystem::path& console_log,
                                      const std::filesystem::path& channel_socket, const QemuSnapshotOptions& snapshot) {
  const bool kvm = accel == Accel::kvm;
  const auto& arch = arch_info(manifest.arch);
  std::vector<std::string> argv{std::string(arch.qemu_binary), "-machine", std::string(arch.qemu_machine),
                                "-cpu", kvm ? "host" : std::string(arch.qemu_tcg_cpu)};
  std::vector<std::string> common{
      "-accel", kvm ? "kvm" : "tcg", "-smp", "1", "-m", std::to_string(memory_mib),
      "-nodefaults", "-nographic", "-no-reboot", "-monitor", "none", "-nic", "none",
      "-kernel", manifest.kernel.string(), "-initrd", manifest.initrd.string(), "-append", kernel_command_line,
      // Paths inside option lists have their commas doubled (a run directory may have one).
      "-chardev", "file,id=console,path=" + qemu_option_value(console_log.string()) + (snapshot.append_console ? ",append=on" : ""), "-serial", "chardev:console",
      // The guest's shell console: QEMU connects to the socket auditvm listens on (as NixOS's driver does).
      "-device", "virtio-serial-pci", "-chardev", "socket,id=shell,path=" + qemu_option_value(channel_socket.string()),
      "-device", "virtconsole,chardev=shell"};
  argv.insert(argv.end(), common.begin(), common.end());
  for (const auto& dir : manifest.shared_directories)
    argv.insert(argv.end(), {"-virtfs", "local,path=" + qemu_option_value(dir.host_path.string()) + ",mount_tag=" + qemu_option_value(dir.mount_tag) +
                                            ",security_model=none,readonly=on"});
  if (!snapshot.qmp_socket.empty()) argv.insert(argv.end(), {"-qmp", "unix:" + qemu_option_value(snapshot.qmp_socket.string()) + ",server=on,wait=off"});
  if (!snapshot.incoming.empty()) argv.insert(argv.end(), {"-incoming", migration_uri(snapshot.incoming, false)});
  return argv;
}

std::string migration_uri(const std::filesystem::path& file, bool write) {
  // exec: runs the command with /bin/sh -c: the path single-quoted, its own quotes closed around.
  std::string quoted = "'";
  for (char c : file.string()) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  quoted += "'";
  return std::string("exec:cat ") + (write ? "> " : "") + quoted;
}

}  // namespace auditvm::machine
