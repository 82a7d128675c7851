#include "image/builder.hpp"

#include <unistd.h>

#include <fstream>
#include <iostream>
#include <algorithm>
#include <map>
#include <set>
#include <sstream>

#include "core/errors.hpp"
#include "image/cache.hpp"
#include "image/cpio_writer.hpp"
#include "image/debian_packages.hpp"
#include "image/elf_closure.hpp"
#include "image/vmlinux.hpp"

#ifndef AUDITVM_SOURCE_ROOT
#define AUDITVM_SOURCE_ROOT "."
#endif
#ifndef AUDITVM_MODHELPER_DIR
#define AUDITVM_MODHELPER_DIR "."
#endif

namespace auditvm::image {
namespace fs = std::filesystem;
namespace {

constexpr const char* kBuilderVersion = "1";  // bump when the image layout changes

fs::path guest_source_dir() {
  if (const char* home = std::getenv("AUDITVM_HOME")) return fs::path(home) / "guest";
  return fs::path(AUDITVM_SOURCE_ROOT) / "guest";
}

fs::path helper_binary(Arch arch, const char* abi) {
  fs::path dir = std::getenv("AUDITVM_MODHELPER_DIR") ? fs::path(std::getenv("AUDITVM_MODHELPER_DIR")) : fs::path(AUDITVM_MODHELPER_DIR);
  auto file = dir / ("modhelper-" + std::string(to_string(arch)) + "-" + abi);
  if (!fs::exists(file)) throw InfraError("module helper " + file.string() + " is not built (run scripts/build.sh)");
  return file;
}

std::string read_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream data;
  data << in.rdbuf();
  return data.str();
}

fs::path cache_dir_or_default(const fs::path& dir) { return dir.empty() ? default_cache_dir() : dir; }

// Adds files to the initramfs, creating each parent directory once.
class InitramfsLayout {
 public:
  explicit InitramfsLayout(const fs::path& output) : cpio_(output) {}

  void directory(const std::string& path) {
    if (path.empty() || path == "/" || dirs_.count(path)) return;
    directory(fs::path(path).parent_path().string());
    cpio_.add_directory(path.substr(1));
    dirs_.insert(path);
  }
  void host_file(const std::string& path, const fs::path& source, unsigned mode) {
    directory(fs::path(path).parent_path().string());
    cpio_.add_host_file(path.substr(1), source, mode);
  }
  void text(const std::string& path, const std::string& contents, unsigned mode = 0644) {
    directory(fs::path(path).parent_path().string());
    cpio_.add_file(path.substr(1), contents, mode);
  }
  void console() {
    directory("/dev");
    cpio_.add_char_device("dev/console", 5, 1);
  }
  void close() { cpio_.close(); }

 private:
  CpioWriter cpio_;
  std::set<std::string> dirs_;
};

// name -> path of every kernel module of the tree's kernel.
std::map<std::string, fs::path> kernel_modules(const fs::path& modules_dir) {
  std::map<std::string, fs::path> modules;
  for (const auto& entry : fs::recursive_directory_iterator(modules_dir))
    if (entry.path().extension() == ".ko") modules[entry.path().stem().string()] = entry.path();
  return modules;
}

Manifest assemble(Arch arch, const PackageTree& tree, const fs::path& out, const std::string& key, bool quiet) {
  const fs::path& root = tree.root;
  fs::path modules_root = resolve_in_root(root, "/lib/modules");
  if (!fs::exists(modules_root) || fs::is_empty(modules_root)) throw InfraError("the kernel package brought no modules");
  std::string kernel_version = fs::directory_iterator(modules_root)->path().filename().string();
  Manifest m;
  m.arch = arch;
  m.kernel_version = kernel_version;
  m.packages = tree.versions;
  m.cache_key = key;
  m.module_path = "/lib/modules/auditvm/nls_ascii.ko";
  m.helpers = {{"b64", "/opt/auditvm/modhelper-b64"}, {"b32", "/opt/auditvm/modhelper-b32"}};

  if (!quiet) std::cerr << "image: kernel " << kernel_version << "\n";
  std::string vmlinuz = read_file(resolve_in_root(root, "/boot/vmlinuz-" + kernel_version));
  if (arch == Arch::x86_64) {
    m.kernel = out / "vmlinux";
    std::ofstream(m.kernel, std::ios::binary) << extract_vmlinux(vmlinuz);
    m.console = "ttyS0";
  } else {
    m.kernel = out / "Image";
    std::ofstream(m.kernel, std::ios::binary) << vmlinuz;
    m.console = "ttyAMA0";
  }
  m.kernel_params = {"console=" + m.console, "quiet", "panic=-1", "oops=panic"};

  if (!quiet) std::cerr << "image: writing initramfs\n";
  const fs::path guest = guest_source_dir();
  m.initrd = out / "initrd.cpio";
  InitramfsLayout initramfs(m.initrd);
  for (const char* dir : {"/proc", "/sys", "/run", "/tmp", "/root", "/var/log/audit", "/etc/audit/plugins.d", "/usr/bin", "/usr/sbin", "/sbin"})
    initramfs.directory(dir);
  initramfs.console();
  initramfs.host_file("/init", guest / "init", 0755);
  for (const auto& entry : fs::recursive_directory_iterator(guest / "rootfs"))
    if (entry.is_regular_file()) initramfs.host_file("/" + fs::relative(entry.path(), guest / "rootfs").string(), entry.path(), 0644);
  const std::vector<std::string> programs{"/bin/busybox", "/bin/bash", "/sbin/auditd", "/sbin/auditctl", "/sbin/ausearch"};
  for (const auto& program : programs) initramfs.host_file(program, resolve_in_root(root, program), 0755);
  for (const auto& library : library_closure(root, arch, {"/bin/bash", "/sbin/auditd", "/sbin/auditctl", "/sbin/ausearch"}))
    initramfs.host_file(library, resolve_in_root(root, library), 0755);
  auto modules = kernel_modules(modules_root / kernel_version);
  std::istringstream drivers(read_file(guest / "rootfs/etc/auditvm/drivers"));
  for (std::string driver; drivers >> driver;)
    if (modules.count(driver)) initramfs.host_file("/lib/modules/auditvm/drivers/" + driver + ".ko", modules[driver], 0644);
  if (!modules.count(m.module_name)) throw InfraError("the kernel has no " + m.module_name + " module");
  initramfs.host_file(m.module_path, modules[m.module_name], 0644);
  for (const char* abi : {"b64", "b32"}) initramfs.host_file(m.helpers[abi], helper_binary(arch, abi), 0755);
  initramfs.close();

  for (const auto& file : {m.kernel, m.initrd}) m.files[file.filename().string()] = sha256_file(file);
  return m;
}

}  // namespace

std::string input_key(Arch arch) {
  std::string inputs = std::string(kBuilderVersion) + "\n" + std::string(to_string(arch)) + "\n";
  const fs::path guest = guest_source_dir();
  std::vector<fs::path> files{guest / "init"};
  for (const auto& entry : fs::recursive_directory_iterator(guest / "rootfs"))
    if (entry.is_regular_file()) files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  for (const char* abi : {"b64", "b32"}) files.push_back(helper_binary(arch, abi));
  for (const auto& file : files) inputs += fs::relative(file, guest.parent_path()).string() + " " + sha256_file(file) + "\n";
  return sha256_hex(inputs).substr(0, 16);
}

std::optional<Manifest> find_image(Arch arch, const fs::path& cache_dir) {
  auto manifest = cache_dir_or_default(cache_dir) / (std::string(to_string(arch)) + "-" + input_key(arch)) / "manifest.json";
  if (!fs::exists(manifest)) return std::nullopt;
  return load_manifest(manifest);
}

std::vector<Manifest> list_images(const fs::path& cache_dir) {
  std::vector<Manifest> images;
  auto dir = cache_dir_or_default(cache_dir);
  if (!fs::exists(dir)) return images;
  for (const auto& entry : fs::directory_iterator(dir))
    if (fs::exists(entry.path() / "manifest.json")) images.push_back(load_manifest(entry.path() / "manifest.json"));
  return images;
}

Manifest build_image(Arch arch, const BuildOptions& options) {
  const fs::path cache = cache_dir_or_default(options.cache_dir);
  std::error_code error;
  fs::create_directories(cache, error);
  if (error) throw InfraError("cannot create cache directory " + cache.string() + ": " + error.message());
  const std::string key = input_key(arch);
  const fs::path final_dir = cache / (std::string(to_string(arch)) + "-" + key);
  FileLock lock(cache / (std::string(to_string(arch)) + ".lock"));  // a concurrent builder waits here
  if (!options.refresh && fs::exists(final_dir / "manifest.json")) return load_manifest(final_dir / "manifest.json");

  // Build next to the final place and rename: a half-built image is never visible.
  const fs::path work = cache / (".build-" + std::string(to_string(arch)) + "-" + std::to_string(::getpid()));
  fs::remove_all(work);
  fs::create_directories(work / "image");
  struct Cleanup {
    fs::path dir;
    ~Cleanup() { std::error_code ignored; fs::remove_all(dir, ignored); }
  } cleanup{work};
  PackageTree tree = options.debs_dir ? extract_debs(arch, *options.debs_dir, work / "tree")
                                      : fetch_packages(arch, work / "tree", options.quiet);
  Manifest manifest = assemble(arch, tree, work / "image", key, options.quiet);
  manifest.kernel = manifest.kernel.filename();  // relative: the image directory is renamed below
  manifest.initrd = manifest.initrd.filename();
  save_manifest(manifest, work / "image" / "manifest.json");
  for (const auto& entry : fs::recursive_directory_iterator(work / "image"))
    fs::permissions(entry.path(), fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read | fs::perms::others_read);
  fs::permissions(work / "image", fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                      fs::perms::others_read | fs::perms::others_exec);
  fs::remove_all(final_dir);
  fs::rename(work / "image", final_dir);
  if (!options.quiet) std::cerr << "image: " << to_string(arch) << " ready in " << final_dir.string() << "\n";
  return load_manifest(final_dir / "manifest.json");
}

}  // namespace auditvm::image
