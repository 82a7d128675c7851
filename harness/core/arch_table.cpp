#include "core/arch_table.hpp"

namespace auditvm {
namespace {

// AUDIT_ARCH_* from <linux/audit.h>: __AUDIT_ARCH_64BIT|__AUDIT_ARCH_LE|EM_* (compat ABIs lack the 64BIT bit).
const ArchInfo x86_64_info{
    .arch = Arch::x86_64,
    .name = "x86_64",
    .aliases = {"amd64", "x86_64-linux"},
    .debian_arch = "amd64",
    .triplet = "x86_64-linux-gnu",
    .audit_arch = {0x40000003U, 0xc000003eU},
    .audit_machine = {"i386", "x86_64"},
    .b32_machine_aliases = {},
    .kernel_format = KernelFormat::pvh_vmlinux,
    .kernel_file = "vmlinux",
    .console = "ttyS0",
    .boot_params = {"no_timer_check"},
    .qemu_binary = "qemu-system-x86_64",
    .qemu_machine = "q35",  // boots the ELF vmlinux through PVH, skipping the bzImage decompressor
    .qemu_tcg_cpu = "max",
    .libvirt_tcg_cpu_model = "",
    .acpi = true,
};

const ArchInfo aarch64_info{
    .arch = Arch::aarch64,
    .name = "aarch64",
    .aliases = {"arm64", "aarch64-linux"},
    .debian_arch = "arm64",
    .triplet = "aarch64-linux-gnu",
    .audit_arch = {0x40000028U, 0xc00000b7U},
    .audit_machine = {"arm", "aarch64"},
    .b32_machine_aliases = {"armeb"},
    .kernel_format = KernelFormat::arm64_image,
    .kernel_file = "Image",
    .console = "ttyAMA0",
    .boot_params = {},
    .qemu_binary = "qemu-system-aarch64",
    .qemu_machine = "virt",
    .qemu_tcg_cpu = "cortex-a57",  // ~3x faster than max under TCG and still runs AArch32 (b32) code
    .libvirt_tcg_cpu_model = "cortex-a57",
    .acpi = false,
};

}  // namespace

const ArchInfo& arch_info(Arch arch) { return arch == Arch::x86_64 ? x86_64_info : aarch64_info; }

}  // namespace auditvm
