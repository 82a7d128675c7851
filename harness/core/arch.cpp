#include "core/arch.hpp"

namespace auditvm {

std::string_view to_string(Arch arch) { return arch == Arch::x86_64 ? "x86_64" : "aarch64"; }
std::string_view to_string(Abi abi) { return abi == Abi::b32 ? "b32" : "b64"; }

std::optional<Arch> parse_arch(std::string_view text) {
  if (text == "x86_64" || text == "amd64" || text == "x86_64-linux") return Arch::x86_64;
  if (text == "aarch64" || text == "arm64" || text == "aarch64-linux") return Arch::aarch64;
  return std::nullopt;
}

std::optional<Abi> parse_abi(std::string_view text) {
  if (text == "b32") return Abi::b32;
  if (text == "b64") return Abi::b64;
  return std::nullopt;
}

const std::vector<Arch>& all_arches() {
  static const std::vector<Arch> arches{Arch::x86_64, Arch::aarch64};
  return arches;
}

const std::vector<Abi>& all_abis() {
  static const std::vector<Abi> abis{Abi::b32, Abi::b64};
  return abis;
}

std::string_view debian_arch(Arch arch) { return arch == Arch::x86_64 ? "amd64" : "arm64"; }

unsigned audit_arch_value(Arch arch, Abi abi) {
  // From <linux/audit.h>: __AUDIT_ARCH_64BIT|__AUDIT_ARCH_LE|EM_* (compat ABIs lack the 64BIT bit).
  if (arch == Arch::x86_64) return abi == Abi::b64 ? 0xc000003eU : 0x40000003U;
  return abi == Abi::b64 ? 0xc00000b7U : 0x40000028U;
}

std::string_view audit_machine_name(Arch arch, Abi abi) {
  if (arch == Arch::x86_64) return abi == Abi::b64 ? "x86_64" : "i386";
  return abi == Abi::b64 ? "aarch64" : "arm";
}

}  // namespace auditvm
