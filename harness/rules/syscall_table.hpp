// System call names and numbers per arch, ABI and audit userspace: libaudit's tables of audit
// 3.0.9, 4.0.2 and 4.2.1 (syscall_tables.inc, written by scripts/syscall-tables.sh from Debian's
// packages, never by hand). A name newer than the userspace is unknown to its auditctl.
#pragma once

#include <optional>
#include <string>

#include "core/arch.hpp"
#include "rules/userspace.hpp"

namespace auditvm::rules {

// In the table of `userspace`; by default the newest (every name any of them knows).
std::optional<int> syscall_number(Arch arch, Abi abi, const std::string& name, Userspace userspace = kNewestUserspace);
std::optional<std::string> syscall_name(Arch arch, Abi abi, int number, Userspace userspace = kNewestUserspace);

// True when libaudit knows `name` as a rule field (e.g. auid, exit, path).
bool is_known_field(const std::string& name);

}  // namespace auditvm::rules
