// Field values as the kernel holds them: every rule value is a __u32 (struct audit_rule_data), read
// from the text the way libaudit 3.0.9's audit_rule_fieldpair_data reads it (strtol or strtoul, which
// saturate, then truncated to 32 bits; errno, message type and "unset" names), and compared by the
// kernel as unsigned 32-bit numbers. `auditctl -l` prints most of them back as signed %d.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "rules/rule.hpp"

namespace auditvm::rules {

bool is_id_field(const std::string& field);  // auid, uid, euid, gid, ... (32-bit ids, -1 = unset)

// What text a value comes from. `auditctl -R` (a rules file) takes what libaudit takes;
// `auditctl -l` output also holds what auditctl prints but would not take back (gid=-2).
enum class Dialect { auditctl, listing };

struct FieldValue {
  std::optional<std::uint32_t> number;  // the u32 the kernel stores; none for string fields (path, key)
  std::string error;                    // why auditctl or the kernel refuses the value; empty: accepted
};
FieldValue parse_field_value(const std::string& field, Op op, const std::string& value, Dialect dialect);

// Why `auditctl OPTION VALUE` (-e, -f, -b, -r, --backlog_wait_time) is refused, in auditctl's (or
// the kernel's) words; empty when it is accepted.
std::string control_value_error(const std::string& option, const std::string& value);

// A numeric value the way `auditctl -l` prints it (exit=-EACCES, auid>=-2, a0=0x3, msgtype=SYSCALL).
std::string listing_value(const std::string& field, std::uint32_t number);

// errno name <-> number ("EPERM" <-> 1), from the C library.
std::optional<int> errno_from_name(const std::string& name);
std::string errno_name(int number);

}  // namespace auditvm::rules
