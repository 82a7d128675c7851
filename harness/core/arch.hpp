// Machines and system call ABIs auditvm knows about. One place, so every room spells them alike.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace auditvm {

enum class Arch { x86_64, aarch64 };

// The two syscall ABIs of an arch: b64 is the native one, b32 the compat one (i386 on x86_64, arm on aarch64).
enum class Abi { b32, b64 };

std::string_view to_string(Arch arch);
std::string_view to_string(Abi abi);
std::optional<Arch> parse_arch(std::string_view text);  // "x86_64", "amd64", "aarch64", "arm64"
std::optional<Abi> parse_abi(std::string_view text);    // "b32", "b64"

const std::vector<Arch>& all_arches();
const std::vector<Abi>& all_abis();

// Debian's name for the arch (amd64, arm64), used for packages and cross tools.
std::string_view debian_arch(Arch arch);

// The AUDIT_ARCH_* value the kernel writes into records (arch=c000003e etc).
unsigned audit_arch_value(Arch arch, Abi abi);

// libaudit's machine name for an arch/ABI pair ("x86_64", "i386", "aarch64", "arm").
std::string_view audit_machine_name(Arch arch, Abi abi);

}  // namespace auditvm
