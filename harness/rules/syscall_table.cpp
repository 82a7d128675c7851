#include "rules/syscall_table.hpp"

#include <libaudit.h>

namespace auditvm::rules {
namespace {

int machine_of(Arch arch, Abi abi) {
  return audit_name_to_machine(std::string(audit_machine_name(arch, abi)).c_str());
}

}  // namespace

std::optional<int> syscall_number(Arch arch, Abi abi, const std::string& name) {
  int number = audit_name_to_syscall(name.c_str(), machine_of(arch, abi));
  if (number < 0) return std::nullopt;
  return number;
}

std::optional<std::string> syscall_name(Arch arch, Abi abi, int number) {
  const char* name = audit_syscall_to_name(number, machine_of(arch, abi));
  if (name == nullptr) return std::nullopt;
  return std::string(name);
}

int max_syscall_number(Arch arch, Abi abi) {
  // libaudit has no "size of table" call; the tables end well below 1024 (x32 aside).
  int highest = 0;
  for (int n = 0; n < 1024; ++n)
    if (syscall_name(arch, abi, n)) highest = n;
  return highest;
}

bool is_known_field(const std::string& name) { return audit_name_to_field(name.c_str()) >= 0; }

}  // namespace auditvm::rules
