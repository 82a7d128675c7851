#include "core/arch.hpp"

#include <algorithm>

#include "core/arch_table.hpp"

namespace auditvm {

std::string_view to_string(Arch arch) { return arch_info(arch).name; }
std::string_view to_string(Abi abi) { return abi == Abi::b32 ? "b32" : "b64"; }

std::optional<Arch> parse_arch(std::string_view text) {
  for (Arch arch : all_arches()) {
    const auto& info = arch_info(arch);
    if (text == info.name || std::find(info.aliases.begin(), info.aliases.end(), text) != info.aliases.end()) return arch;
  }
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

std::string_view debian_arch(Arch arch) { return arch_info(arch).debian_arch; }

unsigned audit_arch_value(Arch arch, Abi abi) { return arch_info(arch).audit_arch[static_cast<std::size_t>(abi)]; }

std::string_view audit_machine_name(Arch arch, Abi abi) { return arch_info(arch).audit_machine[static_cast<std::size_t>(abi)]; }

}  // namespace auditvm
