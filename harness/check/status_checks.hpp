// STIG rules about the audit system's state rather than its rules (V-268092, V-268093,
// V-268119): conditions on the kernel command line and on `auditctl -s`, written as data.
#pragma once

#include <string>
#include <vector>

#include "check/coverage.hpp"

namespace auditvm::check {

struct StatusResult {
  std::string group_id;
  Verdict verdict = Verdict::Open;
  std::vector<std::string> reasons;  // one per condition that does not hold
};

StatusResult evaluate_status(const StigRule& stig, const std::string& proc_cmdline, const std::string& auditctl_status);

}  // namespace auditvm::check
