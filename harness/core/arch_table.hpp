// Every per-arch fact in one table: names, packages, audit values, how QEMU and libvirt run a
// guest and what its kernel looks like. Rooms read their facts here instead of branching on Arch.
#pragma once

#include <array>
#include <string_view>
#include <vector>

#include "core/arch.hpp"

namespace auditvm {

// How Debian ships the kernel and how auditvm boots it.
enum class KernelFormat {
  pvh_vmlinux,   // x86_64: the ELF vmlinux extracted from the bzImage, booted through PVH
  arm64_image,   // aarch64: vmlinuz is already a plain Image ("ARM\x64" at offset 56)
};

struct ArchInfo {
  Arch arch;
  std::string_view name;                  // "x86_64"
  std::vector<std::string_view> aliases;  // other spellings parse_arch accepts (Debian's, Nix's)
  std::string_view debian_arch;           // packages and cross tools: "amd64"
  std::string_view triplet;               // multiarch library directory: "x86_64-linux-gnu"
  // Indexed by Abi (b32, b64): AUDIT_ARCH_* in records, libaudit's machine names, and the
  // further names auditctl accepts for -F arch= (aarch64's big-endian "armeb").
  std::array<unsigned, 2> audit_arch;
  std::array<std::string_view, 2> audit_machine;
  std::vector<std::string_view> b32_machine_aliases;
  // The guest.
  KernelFormat kernel_format;
  std::string_view kernel_file;           // its name in the image
  std::string_view console;               // serial console device
  // Kernel parameters of every boot, whatever the image: x86_64's no_timer_check (under TCG on a
  // loaded host the IO-APIC timer check misses its ticks and the kernel panics, "IO-APIC + timer
  // doesn't work!", seen in a difftest run at load 13).
  std::vector<std::string_view> boot_params;
  std::string_view qemu_binary;
  std::string_view qemu_machine;          // also libvirt's <os><type machine=...>
  // TCG CPU: QEMU's -cpu; under libvirt "maximum" mode, or a custom model when not empty.
  std::string_view qemu_tcg_cpu;
  std::string_view libvirt_tcg_cpu_model;
  bool acpi;                              // powers off through ACPI (libvirt must not pass -no-acpi)
};

const ArchInfo& arch_info(Arch arch);

}  // namespace auditvm
