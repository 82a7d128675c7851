// What a guest image is, as the machine layer and the runner see it. Written by the image
// builder (Debian guests) or by the Nix side (nix/default.nix, NixOS guests) as manifest.json.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "core/arch.hpp"

namespace auditvm::image {

// A host directory the guest mounts read-only over 9p (the Nix store of a NixOS guest).
struct SharedDirectory {
  std::filesystem::path host_path;
  std::string mount_tag;    // 9p mount tag, e.g. "nix-store"
  std::string guest_path;   // where the guest mounts it, e.g. "/nix/store"
};

struct Manifest {
  std::string format_version = "1";
  std::string guest_kind = "debian";  // "debian" (built by auditvm image build) or "nixos"
  Arch arch = Arch::x86_64;
  std::string kernel_version;        // uname -r of the guest's kernel
  std::string suite;                 // Debian suite of a default guest (bookworm, trixie, ...); empty for NixOS
  std::string audit_version;         // the audit userspace's package version (auditd 1:4.0.2-2+deb13u1)
  std::filesystem::path kernel;        // what QEMU's -kernel gets (x86_64: ELF vmlinux for PVH; arm64: Image)
  std::filesystem::path initrd;
  std::string console;                 // serial console device: ttyS0 or ttyAMA0
  std::vector<std::string> kernel_params;  // base command line, without audit=... (the runner adds those)
  // Paths inside the guest.
  std::string module_name = "nls_ascii";
  std::string module_path;             // e.g. /lib/modules/auditvm/nls_ascii.ko
  std::map<std::string, std::string> helpers;  // "b64"/"b32" -> path of the module helper in the guest
  std::vector<SharedDirectory> shared_directories;
  // A guest built with its configuration (NixOS): it applies the configuration while booting, so
  // the runner watches rather than applies, and boots it once per configuration with its own
  // kernel command line. The default guests get the configuration at runtime.
  bool configuration_built_in = false;
  unsigned memory_mib = 0;      // what the guest needs at least (0: the machine's default)
  unsigned boot_timeout_s = 0;  // how long its boot may take at most (0: the machine's default)
  // Provenance: package name -> version, file name (relative to the manifest) -> sha256.
  std::map<std::string, std::string> packages;
  std::map<std::string, std::string> files;
  std::string cache_key;
};

// Reads manifest.json; relative kernel/initrd paths are resolved against its directory. Missing or
// mistyped fields are an InputError naming the file and the field.
Manifest load_manifest(const std::filesystem::path& file);
void save_manifest(const Manifest& manifest, const std::filesystem::path& file);

}  // namespace auditvm::image
