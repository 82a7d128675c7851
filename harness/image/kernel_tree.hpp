// The kernel's files in an unpacked package tree, in either of Debian's packagings: bookworm's and
// trixie's linux-image-<v> (/boot/vmlinuz-<v>, modules as .ko) and 7.x's split packages
// (linux-binary-<v>: /usr/lib/modules/<v>/vmlinuz; linux-modules-<v>: .ko.xz; linux-base-<v>:
// modules.builtin). Modules may be plain, gzip, xz or zstd; what the guest gets is always plain.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace auditvm::image {

struct KernelTree {
  std::string version;                                  // the directory under /usr/lib/modules: uname -r
  std::filesystem::path vmlinuz;
  std::map<std::string, std::filesystem::path> modules;  // module name -> file (any compression)
  std::set<std::string> builtin;                         // modules.builtin: compiled into the kernel
  std::string packages;                                  // the packages the files came from, for errors
};

// "nls_ascii" for nls_ascii.ko, .ko.xz, .ko.zst, .ko.gz; none for other files.
std::optional<std::string> module_name(const std::filesystem::path& file);

// Finds the kernel under `tree`. InfraError naming `packages` and the paths looked at when the
// modules directory or the vmlinuz is missing.
KernelTree find_kernel(const std::filesystem::path& tree, const std::string& packages);

// One module, decompressed.
struct ModuleImage {
  std::string name;
  std::string elf;
};

// The drivers the guest loads at boot, decompressed, in the order given. A driver the kernel has
// built in (7.x: virtio) is left out, and so is one this kernel does not have at all (fscache is
// part of netfs since 6.8): /init loads what is there, and the caller reports what was not.
struct GuestDrivers {
  std::vector<ModuleImage> modules;
  std::vector<std::string> built_in;
  std::vector<std::string> absent;
};
GuestDrivers guest_drivers(const KernelTree& kernel, const std::vector<std::string>& drivers);

// A module that must be loadable (the test module): InfraError when it is missing or built in.
ModuleImage loadable_module(const KernelTree& kernel, const std::string& name);

}  // namespace auditvm::image
