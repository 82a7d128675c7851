// Audit records as auditvm needs them: the SYSCALL record of each event (with the KERN_MODULE
// name when there is one), read with libauparse from auditd's log or from the kernel log.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace auditvm::records {

struct SyscallRecord {
  unsigned long serial = 0;
  std::string timestamp;  // "1732500000.123"
  unsigned arch = 0;      // AUDIT_ARCH_* (0xc000003e ...)
  int syscall = -1;
  bool success = false;
  std::int64_t exit = 0;
  long pid = 0;
  std::uint32_t auid = 0, uid = 0, euid = 0, gid = 0, ses = 0;
  std::string comm;         // the process's name: the guest runner's mark of the call (call-ID)
  std::string key;          // empty when (null)
  std::string module_name;  // from a KERN_MODULE record of the same event
  std::string text;         // the raw SYSCALL record line, as evidence
};

// Parses auditd's log format ("type=SYSCALL msg=audit(...): ...").
std::vector<SyscallRecord> parse_audit_log(const std::string& text);

// The kernel log (dmesg) carries records as "audit: type=1300 audit(...): ..." when no auditd
// runs; turns those lines into auditd's format so the same parser reads both.
std::string kernel_log_to_audit_log(const std::string& dmesg);

}  // namespace auditvm::records
