// System call names and numbers per arch and ABI, from libaudit's tables (never hand-written).
#pragma once

#include <optional>
#include <string>

#include "core/arch.hpp"

namespace auditvm::rules {

std::optional<int> syscall_number(Arch arch, Abi abi, const std::string& name);
std::optional<std::string> syscall_name(Arch arch, Abi abi, int number);

// The highest syscall number the ABI's table knows (for iterating over "all").
int max_syscall_number(Arch arch, Abi abi);

// True when libaudit knows `name` as a rule field (e.g. auid, exit, path).
bool is_known_field(const std::string& name);

}  // namespace auditvm::rules
