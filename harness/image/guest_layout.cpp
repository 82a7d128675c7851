#include "image/guest_layout.hpp"

#include <iterator>
#include <sstream>

#include "core/arch_table.hpp"
#include "core/errors.hpp"
#include "core/write_file.hpp"
#include "core/files.hpp"
#include "core/project_root.hpp"
#include "image/cache.hpp"
#include "image/initramfs_layout.hpp"
#include "image/systemd_layout.hpp"
#include "image/debian_packages.hpp"
#include "image/kernel_tree.hpp"
#include "image/elf_closure.hpp"
#include "image/vmlinux.hpp"

#ifndef AUDITVM_MODHELPER_DIR
#define AUDITVM_MODHELPER_DIR "."
#endif

namespace auditvm::image {
namespace fs = std::filesystem;
namespace {

const std::string kTestModule = "nls_ascii";

std::vector<std::string> drivers() {
  std::istringstream words(read_file(guest_source_dir() / "rootfs/etc/auditvm/drivers", FileKind::data, kMaxGuestFileBytes));
  return {std::istream_iterator<std::string>(words), std::istream_iterator<std::string>()};
}

void write_kernel(Arch arch, const fs::path& vmlinuz_file, const std::string& what, Manifest& m, const fs::path& out) {
  std::string vmlinuz = read_file(vmlinuz_file, FileKind::data, kMaxGuestFileBytes);
  const auto& info = arch_info(arch);
  m.kernel = out / info.kernel_file;
  m.console = info.console;
  switch (info.kernel_format) {
    case KernelFormat::pvh_vmlinux:  // PVH boot of the ELF skips the bzImage's slow decompressor
      write_file_atomic(m.kernel, extract_vmlinux(vmlinuz, what));
      break;
    case KernelFormat::arm64_image:  // plain, compressed or zboot: QEMU gets the plain Image
      write_file_atomic(m.kernel, arm64_image(vmlinuz, what));
      break;
  }
}

}  // namespace

fs::path guest_source_dir() { return project_root() / "guest"; }

fs::path helper_binary(Arch arch, const std::string& abi) {
  const char* override_dir = std::getenv("AUDITVM_MODHELPER_DIR");
  fs::path dir = override_dir ? fs::path(override_dir) : fs::path(AUDITVM_MODHELPER_DIR);
  auto file = dir / ("modhelper-" + std::string(to_string(arch)) + "-" + abi);
  if (!fs::exists(file)) throw InfraError("module helper " + file.string() + " is not built (build the modhelpers target)");
  return file;
}

std::vector<fs::path> guest_input_files(Arch arch, GuestInit init) {
  const fs::path guest = guest_source_dir();
  std::vector<fs::path> files{guest / "init"};
  for (const auto& entry : fs::recursive_directory_iterator(guest / "rootfs"))
    if (entry.is_regular_file()) files.push_back(entry.path());
  if (init == GuestInit::systemd)
    for (const auto& entry : fs::recursive_directory_iterator(systemd_source_dir()))
      if (entry.is_regular_file() || entry.is_symlink()) files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  for (const char* abi : {"b64", "b32"}) files.push_back(helper_binary(arch, abi));
  return files;
}

std::function<bool(const std::string&)> guest_files_filter() {
  auto modules = guest_kernel_modules();
  return [modules](const std::string& path) {
    for (const char* skipped : {"usr/share/doc/", "usr/share/man/", "usr/share/locale/", "usr/share/info/", "usr/share/lintian/"})
      if (path.rfind(skipped, 0) == 0) return false;
    if (path.find("/modules/") == std::string::npos) return true;
    auto name = module_name(path);
    return !name || modules.count(*name) > 0;
  };
}

std::set<std::string> guest_kernel_modules() {
  auto names = drivers();
  std::set<std::string> modules(names.begin(), names.end());
  modules.insert(kTestModule);
  return modules;
}

Manifest lay_out_guest(Arch arch, GuestInit init, const fs::path& tree, const fs::path& out, const std::string& kernel_packages, const Progress& progress) {
  const KernelTree kernel = find_kernel(tree, kernel_packages);
  Manifest m;
  m.arch = arch;
  m.kernel_version = kernel.version;
  m.module_name = kTestModule;
  m.module_path = "/lib/modules/auditvm/" + kTestModule + ".ko";
  m.helpers = {{"b64", "/opt/auditvm/modhelper-b64"}, {"b32", "/opt/auditvm/modhelper-b32"}};
  if (progress) progress("kernel " + m.kernel_version);
  write_kernel(arch, kernel.vmlinuz, kernel_packages + ": /" + fs::relative(kernel.vmlinuz, tree).string(), m, out);
  // The kernel log is a record path (auditd off): big enough for every record of a cell's calls.
  m.kernel_params = {"console=" + m.console, "quiet", "panic=-1", "oops=panic", "log_buf_len=16M"};

  if (progress) progress("writing the initramfs");
  const fs::path guest = guest_source_dir();
  m.initrd = out / "initrd.cpio";
  InitramfsLayout initramfs(m.initrd);
  for (const char* dir : {"/proc", "/sys", "/run", "/tmp", "/root", "/var/log/audit", "/etc/audit/plugins.d", "/usr/bin", "/usr/sbin", "/sbin", "/var/cron/tabs"})
    initramfs.directory(dir);
  initramfs.console();
  if (init == GuestInit::busybox) initramfs.host_file("/init", guest / "init", 0755);
  for (const auto& entry : fs::recursive_directory_iterator(guest / "rootfs"))
    if (entry.is_regular_file()) initramfs.host_file("/" + fs::relative(entry.path(), guest / "rootfs").string(), entry.path(), 0644);
  const std::vector<std::string> dynamic{"/bin/bash", "/sbin/auditd", "/sbin/auditctl", "/sbin/ausearch"};
  initramfs.host_file("/bin/busybox", resolve_in_root(tree, "/bin/busybox"), 0755);
  for (const auto& program : dynamic) initramfs.host_file(program, resolve_in_root(tree, program), 0755);
  for (const auto& library : library_closure(tree, arch, dynamic)) initramfs.host_file(library, resolve_in_root(tree, library), 0755);
  // Modules go in uncompressed: /init's busybox insmod and the helper's init_module take ELF.
  const GuestDrivers loaded = guest_drivers(kernel, drivers());
  for (const auto& driver : loaded.modules) initramfs.file("/lib/modules/auditvm/drivers/" + driver.name + ".ko", driver.elf, 0644);
  auto names = [](const std::vector<std::string>& list) {
    std::string text;
    for (const auto& name : list) text += (text.empty() ? "" : " ") + name;
    return text;
  };
  if (progress && !loaded.built_in.empty()) progress("built into the kernel: " + names(loaded.built_in));
  if (progress && !loaded.absent.empty()) progress("not in this kernel (neither a module nor built in): " + names(loaded.absent));
  initramfs.file(m.module_path, loadable_module(kernel, m.module_name).elf, 0644);
  for (const auto& [abi, path] : m.helpers) initramfs.host_file(path, helper_binary(arch, abi), 0755);
  // The programs the STIG's path rules name where NixOS has them (/init links /run/current-system
  // here): static executables that run and exit (the native helper; with no arguments it prints its
  // usage), so exec of each path works and a path rule can record it.
  for (const auto& name : kNixosSystemPrograms) initramfs.host_file(kNixosSystemDir + "/sw/bin/" + name, helper_binary(arch, "b64"), 0755);
  if (init == GuestInit::systemd) add_systemd(initramfs, tree, arch, m);
  initramfs.close();

  for (const auto& file : {m.kernel, m.initrd}) m.files[file.filename().string()] = sha256_file(file);
  return m;
}

}  // namespace auditvm::image
