// What goes into a default guest and where: the kernel QEMU boots, and an initramfs with /init,
// busybox, bash, the audit tools and their libraries, the drivers, the test module and the helpers.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "image/manifest.hpp"
#include "image/private_apt.hpp"
#include "image/suite.hpp"

namespace auditvm::image {

// Where /run/current-system leads in a default guest (NixOS: the system's store path), and the
// programs under its sw/bin that the STIG's path rules name (V-268164, V-268165).
inline const std::string kNixosSystemDir = "/opt/auditvm/system";
inline const std::vector<std::string> kNixosSystemPrograms = {"usermod", "chage", "chcon"};

// guest/ of the project (AUDITVM_HOME overrides the source tree).
std::filesystem::path guest_source_dir();
// The built module helper of an arch and ABI ("b64"/"b32"); InfraError when it is not built.
std::filesystem::path helper_binary(Arch arch, const std::string& abi);
// Every project file that ends up in the image (for the cache key).
std::vector<std::filesystem::path> guest_input_files(Arch arch, GuestInit init = GuestInit::busybox);

// The kernel modules the guest needs (drivers, 9p, the test module): all others stay unpacked.
std::set<std::string> guest_kernel_modules();

// Which files of the .debs a guest is made of: no docs, no locales, and of the kernel's ~4000
// modules (any compression) only the drivers and the test module.
std::function<bool(const std::string& path)> guest_files_filter();

// Writes the kernel and initrd.cpio into `out` from an unpacked package tree and returns the
// manifest describing them (paths absolute; the caller makes them relative). `kernel_packages`
// names the kernel's packages in errors ("linux-binary-7.2.13+deb14-amd64, ..."). Kernel modules
// may be compressed (gzip, xz, zstd) and go in uncompressed; a driver the kernel has built in
// (modules.builtin) is left out.
// A systemd guest gets systemd as /init instead of guest/init, and what add_systemd adds.
Manifest lay_out_guest(Arch arch, GuestInit init, const std::filesystem::path& tree, const std::filesystem::path& out, const std::string& kernel_packages,
                       const Progress& progress);

}  // namespace auditvm::image
