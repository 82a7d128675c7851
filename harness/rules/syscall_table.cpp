#include "rules/syscall_table.hpp"

#include <libaudit.h>

#include <map>
#include <string_view>
#include <utility>

namespace auditvm::rules {
namespace {

struct Entry {
  std::string_view machine;  // libaudit's machine name (audit_machine_name)
  int number;
  std::string_view name;
  Userspace since;  // the first userspace whose table has it
};

// A constant array, not a std::vector: GCC took 51 s at -O2 to compile the vector's 1,600-element
// initializer list (the slowest file of a build), a plain array compiles in about a second.
constexpr Entry kEntries[] = {
#include "rules/syscall_tables.inc"
};

struct Tables {
  std::map<std::pair<std::string_view, std::string_view>, const Entry*> by_name;  // (machine, name)
  std::map<std::pair<std::string_view, int>, const Entry*> by_number;             // (machine, number)
};

const Tables& tables() {
  static const Tables built = [] {
    Tables t;
    for (const auto& entry : kEntries) {
      t.by_name.emplace(std::pair{entry.machine, entry.name}, &entry);
      t.by_number.emplace(std::pair{entry.machine, entry.number}, &entry);
    }
    return t;
  }();
  return built;
}

bool knows(const Entry* entry, Userspace userspace) { return entry && entry->since <= userspace; }

}  // namespace

std::optional<int> syscall_number(Arch arch, Abi abi, const std::string& name, Userspace userspace) {
  const auto& by_name = tables().by_name;
  auto it = by_name.find({audit_machine_name(arch, abi), name});
  if (it == by_name.end() || !knows(it->second, userspace)) return std::nullopt;
  return it->second->number;
}

std::optional<std::string> syscall_name(Arch arch, Abi abi, int number, Userspace userspace) {
  const auto& by_number = tables().by_number;
  auto it = by_number.find({audit_machine_name(arch, abi), number});
  if (it == by_number.end() || !knows(it->second, userspace)) return std::nullopt;
  return std::string(it->second->name);
}

bool is_known_field(const std::string& name) { return audit_name_to_field(name.c_str()) >= 0; }

}  // namespace auditvm::rules
