// STIG rules about the audit system's state rather than its rules (V-268092, V-268093,
// V-268119): conditions on the kernel command line and on `auditctl -s`, written as data.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "check/coverage.hpp"

namespace auditvm::check {

// What `auditctl -s` prints: one "name value..." line per field (enabled 1, lost 0,
// loginuid_immutable 1 locked). The one parser of it.
struct AuditctlStatus {
  std::map<std::string, std::string> fields;
  std::optional<std::string> text(const std::string& name) const;     // the whole value
  std::optional<std::int64_t> number(const std::string& name) const;  // its first word, when a number
};
AuditctlStatus parse_auditctl_status(const std::string& output);

struct StatusResult {
  std::string group_id;
  Verdict verdict = Verdict::Open;
  std::vector<std::string> reasons;  // one per condition that does not hold
};

StatusResult evaluate_status(const StigRule& stig, const std::string& proc_cmdline, const std::string& auditctl_status);

}  // namespace auditvm::check
