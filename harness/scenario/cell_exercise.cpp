#include "core/write_file.hpp"
#include "machine/channel.hpp"
#include "nixos/render.hpp"
#include "records/audit_log.hpp"
#include "scenario/cell_steps.hpp"
#include "scenario/guest_commands.hpp"

namespace auditvm::scenario {

using namespace std::chrono_literals;

Exercise exercise(machine::Machine& guest, const Scenario& scenario, const std::vector<GuestCall>& extra, const std::vector<std::string>& targets) {
  Exercise out;
  // Every call in one guest command and one runner: round trips and processes are slow under emulation.
  auto calls = action_calls(scenario);
  calls.insert(calls.end(), extra.begin(), extra.end());
  std::string made, script;
  for (const auto& target : targets) {
    const auto quoted = machine::ansi_c_quote(target);
    script += "[ -e " + quoted + " ] || { : > " + quoted + " && chmod 0644 " + quoted + " && made=\"$made \"" + quoted + "; }\n";
  }
  script += calls_script(calls, guest.manifest());
  if (!targets.empty()) script += "status=$?\nfor f in $made; do rm -f -- \"$f\"; done\nexit $status\n";
  auto run = guest.run(script, 600s);
  auto results = parse_call_results(run.out, calls);
  auto first_extra = results.begin() + static_cast<std::ptrdiff_t>(scenario.actions.size());
  out.calls.assign(results.begin(), first_extra);
  out.extra_calls.assign(first_extra, results.end());
  return out;
}

std::string collect_audit_log(machine::Machine& guest, const nixos::NixosConfig& config, report::CellEvidence& evidence) {
  // One trip: auditd flushed up to a marker, then its whole log (or the kernel log), then the status.
  const bool auditd = nixos::runs_auditd(config);
  std::vector<GuestStep> steps;
  // The calls are made and their records queued: the rules go first, so that neither the wait nor
  // the reading adds records (a rule set recording every call grew the log while it was read, up
  // to the guest's memory) and no user or exclude rule can drop the marker. Not required: a
  // locked configuration (-e 2) keeps its rules.
  steps.push_back({"deleting the rules", "auditctl -D >/dev/null", false});
  if (auditd) {
    steps.push_back({"waiting for auditd to write", sync_audit_log_script("auditvm-sync"), true});
    steps.push_back({std::string("reading ") + kAuditLog, std::string("cat -- ") + kAuditLog, true});
  } else {
    steps.push_back({"dmesg", "dmesg", true});
  }
  steps.push_back({"auditctl -s", "auditctl -s", true});
  auto results = must_steps(guest, steps, 180s);
  evidence.auditctl_s_after = results.back().out;
  return auditd ? results[2].out : records::kernel_log_to_audit_log(results[1].out);
}

void write_audit_log(report::CellResult& cell, const std::filesystem::path& log_dir, const std::string& log) {
  make_directories(log_dir);
  auto file = file_in(log_dir, cell.id() + ".audit.log");
  write_file_atomic(file, log);
  cell.audit_log = file.string();
}

}  // namespace auditvm::scenario
