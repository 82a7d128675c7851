// The shell scripts the runner sends to a guest, and the parsing of what comes back. Kept apart
// from the runner so the guest-side protocol can be read (and tested) in one place.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "check/target_paths.hpp"
#include "image/manifest.hpp"
#include "machine/machine.hpp"
#include "nixos/config.hpp"
#include "report/result.hpp"
#include "scenario/guest_calls.hpp"
#include "scenario/scenario.hpp"

namespace auditvm::scenario {

inline constexpr const char* kRulesFile = "/etc/audit/audit.rules";
inline constexpr const char* kAuditLog = "/var/log/audit/audit.log";

// The kernel's audit settings a rules file can change (`-f`, `-r`, `-b`, `--backlog_wait_time`,
// `-e`), as `auditctl -s` shows them: what a guest booted with is what its reset restores.
struct AuditSettings {
  std::int64_t enabled = 1, failure = 1, backlog_limit = 64, rate_limit = 0;
  std::optional<std::int64_t> backlog_wait_time;  // in jiffies, as shown and set; none when not shown
};
// From `auditctl -s` (check::parse_auditctl_status); InfraError naming the field when one is missing.
AuditSettings audit_settings(const std::string& auditctl_s);
// The rules file lines that set them, failure first (a set's `-f 2` would turn a record lost in the
// reset into a panic) and enabled last.
std::vector<std::string> audit_settings_lines(const AuditSettings& settings);
// Exits 1 with "audit status not restored" when `auditctl -s` does not show `settings`.
std::string check_audit_settings_script(const AuditSettings& settings);

// Returns a guest to "no rules, the audit settings it booted with (`boot`), no auditd, no log,
// module unloaded, empty kernel log", then checks that it got there (exit status 0 only when
// verified). A locked guest (`-e 2`) cannot get there.
std::string reset_script(const AuditSettings& boot);

// The commands of one phase in one guest round trip (a trip costs the channel's latency and
// several forks under TCG): each step runs in order in its own subshell, with its own exit
// status, stdout and stderr, framed by `boundary` (chosen afresh by the host for each trip, so
// no output can imitate it); after a `required` step fails, no later step runs.
struct GuestStep {
  std::string what;  // names the step in errors ("auditctl -l")
  std::string script;
  bool required = true;
};
// `err_file`: where each step's stderr waits until its stdout is framed (the guest runs one
// command at a time; a test runs the script on the host elsewhere).
std::string steps_script(const std::vector<GuestStep>& steps, const std::string& boundary,
                         const std::string& err_file = "/run/auditvm-step.err");
// The results of the steps that ran, in order; a step whose frame is missing or cut short has
// none (nor has any after it). `seconds`: how long each step took in the guest, in order.
std::vector<machine::CommandResult> parse_steps(const std::string& output, const std::string& boundary, std::size_t count,
                                                std::vector<double>* seconds = nullptr);
// A boundary no output contains: "@avm-step-" and 16 random hex digits.
std::string random_step_boundary();

// Writes the rules file and applies the sysctls (what NixOS does at activation).
std::string prepare_script(const nixos::NixosConfig& config, const std::string& rules_text);
// `auditctl -R`, as audit-rules-nixos runs it, then `on_failure` if it failed (the unit's
// ExecStopPost: nixos::audit_service_failure_commands).
std::string load_rules_script(const std::vector<std::string>& on_failure);
// What the guest has at each of `paths` (check::paths_to_probe), one state a line, in order:
// shell builtins only (no fork per path). parse_path_probe reads it back; InfraError when a line
// is missing or not a state.
std::string probe_paths_script(const std::vector<std::string>& paths);
check::TargetPaths parse_path_probe(const std::string& output, const std::vector<std::string>& paths);
std::string start_auditd_script();

// A guest built with its configuration (NixOS) applied it while booting; these watch it instead.
// Waits until the boot is over (a failed unit, such as rules that stop loading, is not an error
// here) and, when the configuration runs auditd, until auditd is registered with the kernel.
std::string booted_configuration_settle_script(bool runs_auditd);
// The rules file the configuration's audit unit loaded (nixos::audit_unit_name: the current
// module's audit-rules-nixos.service, whose ExecStart names it; NixOS 24.11's audit.service, whose
// start script fills a mktemp file in /tmp and leaves it there).
std::string booted_rules_file_script(const nixos::NixosConfig& config);
// Prints that unit's journal (what auditctl -R said, on stderr or through syslog); exit 0 if the
// unit succeeded.
std::string booted_load_output_script(const nixos::NixosConfig& config);

// The scenario's actions as the runner's calls, in order (ids: the actions' indexes): as each
// actor logs in, with the module and the capabilities as they are, so each result depends on the
// actions before it, as the scenario's expectations were written.
std::vector<GuestCall> action_calls(const Scenario& scenario);

// What the guest says of its audit services and package, for the state checks (V-268080,
// V-268090; check::GuestState's `services` lines): under systemd, `systemctl is-active` of
// auditd.service and of `audit_unit` (the NixOS module's rules unit); otherwise whether auditd runs.
std::string audit_services_script(const std::string& audit_unit);

// Waits until auditd has written everything sent before this point (a user message as a marker;
// none with auditing off, when the kernel sends auditd nothing).
std::string sync_audit_log_script(const std::string& marker);

// `auditctl -R` output: "There was an error in line N of FILE" and the message before it.
std::optional<report::LoadFailure> parse_load_failure(const std::string& output, const std::string& rules_text);

}  // namespace auditvm::scenario
