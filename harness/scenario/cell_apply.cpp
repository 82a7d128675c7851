#include "check/target_paths.hpp"
#include "rules/userspace.hpp"
#include "core/errors.hpp"
#include "nixos/render.hpp"
#include "scenario/cell_steps.hpp"
#include "scenario/guest_commands.hpp"

namespace auditvm::scenario {
namespace {

using namespace std::chrono_literals;

void record_load(const machine::CommandResult& load, const std::string& rules_text, report::CellResult& cell,
                 report::CellEvidence& evidence) {
  evidence.auditctl_R = report::LoadOutput{load.exit_status, load.out};
  cell.load_failure = parse_load_failure(load.out, rules_text);
  if (load.exit_status != 0 && !cell.load_failure) cell.load_failure = report::LoadFailure{0, "", load.out};
}

// The paths the guest's auditctl would have the kernel look up (its userspace reads the file).
std::vector<std::string> probe_list(const machine::Machine& guest, const std::string& rules_text) {
  auto userspace = rules::userspace_from_version(guest.manifest().audit_version).value_or(rules::Userspace::audit3);
  return check::paths_to_probe(rules_text, guest.manifest().arch, userspace);
}

// NixOS applied the configuration while booting: watch what it did, and compare its rules file
// with the one auditvm renders for the same fragment.
std::string watch_booted(machine::Machine& guest, const nixos::NixosConfig& config, report::CellResult& cell, report::CellEvidence& evidence) {
  std::string rendered = nixos::render_rules(config);
  // The boot did the loading: nothing rides along here.
  must(guest, "waiting for the guest to finish booting", booted_configuration_settle_script(nixos::runs_auditd(config)), 400s);
  if (!nixos::loads_rules(config)) return rendered;
  std::string loaded = must(guest, "reading the rules file NixOS loaded", booted_rules_file_script(config)).out;
  evidence.rules_file_rendered = rendered;
  add_assertion(cell, "NixOS wrote the rules file auditvm renders", loaded == rendered,
                loaded == rendered ? "identical" : "NixOS's rules file differs from nixos::render_rules (see evidence)",
                report::Status::model_mismatch);
  auto paths = probe_list(guest, loaded);
  auto results = must_steps(guest, {{"reading auditctl -R's output", booted_load_output_script(config), false},
                                    {"probing the rules' paths", probe_paths_script(paths), true}});
  record_load(results[0], loaded, cell, evidence);
  evidence.target_paths = parse_path_probe(results[1].out, paths);
  return loaded;
}

// As NixOS does it: rules file, sysctls, audit-rules-nixos (auditctl -R), auditd.
std::string apply(machine::Machine& guest, const nixos::NixosConfig& config, report::CellResult& cell, report::CellEvidence& evidence,
                  RiderSteps& before, RiderSteps& after) {
  std::string rules_text = nixos::render_rules(config);
  // One trip; a load that fails is evidence, not an error: auditd starts all the same, as on NixOS.
  // The rules' paths are probed in the same trip: whether the file loads depends on them.
  auto paths = probe_list(guest, rules_text);
  std::vector<GuestStep> steps = before.steps;
  const std::size_t first = steps.size();
  steps.push_back({"writing the rules", prepare_script(config, rules_text), true});
  steps.push_back({"probing the rules' paths", probe_paths_script(paths), true});
  // A file that fails fails the unit, and systemd runs the unit's ExecStopPost (the current
  // module's: auditing off, every rule that did load deleted), as at boot.
  if (nixos::loads_rules(config)) steps.push_back({"auditctl -R", load_rules_script(nixos::audit_service_failure_commands(config)), false});
  if (nixos::runs_auditd(config)) steps.push_back({"starting auditd", start_auditd_script(), true});
  const std::size_t last = steps.size();
  steps.insert(steps.end(), after.steps.begin(), after.steps.end());
  // The three trips' timeouts of before (reset 60 s, load 120 s, state 60 s): a set recording
  // every call is slow under load.
  std::vector<double> seconds;
  auto results = must_steps(guest, steps, 240s, &seconds);
  for (std::size_t i = 0; i < first; ++i) before.seconds += seconds[i];
  for (std::size_t i = last; i < steps.size(); ++i) after.seconds += seconds[i];
  before.results.assign(results.begin(), results.begin() + static_cast<std::ptrdiff_t>(first));
  after.results.assign(results.begin() + static_cast<std::ptrdiff_t>(last), results.end());
  evidence.target_paths = parse_path_probe(results[first + 1].out, paths);
  if (nixos::loads_rules(config)) record_load(results[first + 2], rules_text, cell, evidence);
  return rules_text;
}

// Rider steps in a trip of their own.
void run_alone(machine::Machine& guest, RiderSteps& riders) {
  if (riders.steps.empty()) return;
  std::vector<double> seconds;
  riders.results = must_steps(guest, riders.steps, 120s, &seconds);
  for (double s : seconds) riders.seconds += s;
}

}  // namespace

std::string apply_configuration(machine::Machine& guest, const Configuration& configuration, report::CellResult& cell,
                                report::CellEvidence& evidence, RiderSteps& before, RiderSteps& after) {
  if (guest.manifest().configuration_built_in) {
    run_alone(guest, before);
    evidence.rules_file = watch_booted(guest, configuration.config, cell, evidence);
    run_alone(guest, after);
  } else {
    evidence.rules_file = apply(guest, configuration.config, cell, evidence, before, after);
  }
  return evidence.rules_file;
}

}  // namespace auditvm::scenario
