#include "scenario/call_records.hpp"

#include "rules/syscall_table.hpp"

namespace auditvm::scenario {

std::vector<const records::SyscallRecord*> records_of(const CallResult& call, Arch arch, Abi abi, const std::string& syscall,
                                                      const std::vector<records::SyscallRecord>& records) {
  std::vector<const records::SyscallRecord*> mine;
  if (!call.ran) return mine;
  const int number = rules::syscall_number(arch, abi, syscall).value_or(-1);
  const long exit = call.succeeded() ? call.ret : -call.error_number;
  for (const auto& record : records)
    if (record.pid == call.pid && (call.comm.empty() || record.comm == call.comm) && record.syscall == number &&
        record.arch == audit_arch_value(arch, abi) && record.exit == exit)
      mine.push_back(&record);
  return mine;
}

}  // namespace auditvm::scenario
