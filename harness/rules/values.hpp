// Field values: which fields hold ids, how `unset`, `-1` and errno names normalise to numbers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace auditvm::rules {

bool is_id_field(const std::string& field);  // auid, uid, euid, gid, ... (32-bit ids, -1 = unset)

// Numeric value of a field as the kernel compares it: ids as unsigned 32-bit (unset/-1 ->
// 4294967295), exit as a signed errno (-EPERM -> -1), success yes/no -> 1/0. nullopt: not numeric.
std::optional<std::int64_t> numeric_field_value(const std::string& field, const std::string& value);

// errno name <-> number ("EPERM" <-> 1), from the C library.
std::optional<int> errno_from_name(const std::string& name);
std::string errno_name(int number);

}  // namespace auditvm::rules
