// The shared libraries (and the dynamic loader) an ELF binary needs, looked up in a guest tree.
#pragma once

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "core/arch.hpp"

namespace auditvm::image {

// Guest paths (e.g. /lib/x86_64-linux-gnu/libc.so.6) of everything `binaries` need, transitively.
std::set<std::string> library_closure(const std::filesystem::path& root, Arch arch, const std::vector<std::string>& binaries);

}  // namespace auditvm::image
