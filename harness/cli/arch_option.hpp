// The --arch option, shared by the commands that take one architecture.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "core/arch.hpp"
#include "core/errors.hpp"

namespace auditvm::cli {

inline Arch arch_from_option(const std::string& text) {
  auto arch = parse_arch(text);
  if (!arch) throw InputError({"--arch", 0, text}, "unknown architecture (expected x86_64 or aarch64)");
  return *arch;
}

}  // namespace auditvm::cli
