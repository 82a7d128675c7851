// STIG rules about the audit system's state rather than its rules (V-268080, V-268090, V-268092,
// V-268093, V-268119): conditions on the kernel command line, on `auditctl -s` and on what the
// guest says of its audit services and package, written as data.
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

// What a guest showed for the state checks. `services` has the lines of
// scenario::audit_services_script, in auditctl -s's "name value" form: `init systemd` (PID 1 is
// systemd) or `init other`, `auditd active` (systemd: the unit's `systemctl is-active`; otherwise
// whether an auditd process runs), `audit failed` and `audit_unit <name>` (systemd: the unit the
// NixOS module loads the rules with), `audit_package installed` or `audit_package missing <programs>`.
struct GuestState {
  std::string cmdline;          // /proc/cmdline
  std::string auditctl_status;  // auditctl -s
  std::string services;
};

// A condition's "source" is cmdline, status or services; one with "init" holds only in guests whose
// PID 1 is that (the services' `init` line) and is not evaluated elsewhere.
StatusResult evaluate_status(const StigRule& stig, const GuestState& guest);

}  // namespace auditvm::check
