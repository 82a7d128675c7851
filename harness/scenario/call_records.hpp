// Which of the kernel's records belong to one call the guest runner made. One caller process makes
// every call of an identity (guest/modhelper's sessions), so the pid alone does not name a call:
// each call carries its own mark, the caller's comm set to "call-ID" just before it, which the
// kernel writes in every record of the call. Pure: no guest, no I/O.
#pragma once

#include <string>
#include <vector>

#include "core/arch.hpp"
#include "records/audit_log.hpp"
#include "scenario/guest_calls.hpp"

namespace auditvm::scenario {

// The records of `call` (made as `syscall` on `abi`): its pid, its mark (when it has one: an
// exec'd child is a process of its own and has none), the syscall's number and arch, and the exit
// the call returned (the caller's own opens of /proc before the call have other exits). None for
// a call that was not made.
std::vector<const records::SyscallRecord*> records_of(const CallResult& call, Arch arch, Abi abi, const std::string& syscall,
                                                      const std::vector<records::SyscallRecord>& records);

}  // namespace auditvm::scenario
