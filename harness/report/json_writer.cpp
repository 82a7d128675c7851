// result.json: the one place the result model becomes JSON. The shape is what consumers of
// earlier versions read (verdicts as strings, "" for none; evidence keys as listed in README).
#include "report/writers.hpp"

namespace auditvm::report {
namespace {

using nlohmann::json;

json to_json(const ActionRow& row) {
  json out = {{"index", row.index}, {"actor", row.actor}, {"abi", auditvm::to_string(row.abi)},
              {"syscall", row.syscall}, {"expect", row.expect}, {"helper", row.helper}};
  if (!row.result) return out;  // the helper did not run: nothing was predicted or recorded
  out["result"] = *row.result;
  out["predicted"] = std::string(check::to_string(row.predicted));
  out["prediction_reason"] = row.prediction_reason;
  out["records"] = row.records;
  return out;
}

json to_json(const check::Event& event) {
  return {{"abi", auditvm::to_string(event.abi)}, {"syscall", event.syscall}, {"auid", event.auid}, {"uid", event.uid}, {"euid", event.euid},
          {"gid", event.gid}, {"success", event.success}, {"exit", event.exit_code}, {"login", std::string(check::to_string(event.login))},
          {"alternate_exe", event.alternate_exe}};
}

json to_json(const WitnessRow& row) {
  json out = {{"number", row.number},  {"rule", row.rule}, {"event", to_json(row.event)}, {"required", row.required}, {"region", row.region},
              {"predicted", std::string(check::to_string(row.predicted))}, {"prediction_reason", row.prediction_reason},
              {"result", row.result ? json(*row.result) : json(nullptr)}, {"helper", row.helper}, {"records", row.records},
              {"held", row.held()}, {"text", row.text()}};
  return out;
}

json to_json(const CellEvidence& evidence) {
  json out = json::object();
  if (evidence.auditctl_R) out["auditctl_R"] = {{"exit", evidence.auditctl_R->exit_status}, {"output", evidence.auditctl_R->output}};
  if (evidence.rules_file_rendered) out["rules_file_rendered"] = *evidence.rules_file_rendered;
  out["rules_file"] = evidence.rules_file;
  if (evidence.target_paths) {
    out["target_paths"] = json::object();
    for (const auto& [path, state] : evidence.target_paths->states) out["target_paths"][path] = std::string(check::to_string(state));
  }
  out["auditctl_l"] = evidence.auditctl_l;
  out["auditctl_s_before"] = evidence.auditctl_s_before;
  out["auditctl_s_after"] = evidence.auditctl_s_after;
  out["cmdline"] = evidence.cmdline;
  out["uname_r"] = evidence.uname_r;
  out["auditctl_v"] = evidence.auditctl_v;
  out["services"] = evidence.services;
  out["status_checks"] = json::array();
  for (const auto& check : evidence.status_checks)
    out["status_checks"].push_back({{"rule", check.rule}, {"status", std::string(check::to_string(check.verdict))}, {"reasons", check.reasons}});
  out["rule_checks"] = json::array();
  for (const auto& row : evidence.rule_checks)
    out["rule_checks"].push_back({{"rule", row.rule},
                                  {"expected_verdict", verdict_name(row.expected_verdict)},
                                  {"verdict", verdict_name(row.verdict)},
                                  {"kernel_verdict", verdict_name(row.kernel_verdict)},
                                  {"literal_match", row.literal_match},
                                  {"grep_match", row.grep_match},
                                  {"uncovered", row.uncovered},
                                  {"notes", row.notes}});
  out["actions"] = json::array();
  for (const auto& row : evidence.actions) out["actions"].push_back(to_json(row));
  out["witnesses"] = json::array();
  for (const auto& row : evidence.witnesses) out["witnesses"].push_back(to_json(row));
  return out;
}

}  // namespace

json to_json(const CellResult& cell) {
  json assertions = json::array();
  for (const auto& a : cell.assertions)
    assertions.push_back({{"name", a.name}, {"status", to_string(a.status)}, {"message", a.message},
                          {"evidence", a.action ? to_json(*a.action) : json::object()}});
  json out = {{"id", cell.id()},
              {"scenario", cell.scenario},
              {"configuration", cell.configuration},
              {"description", cell.description},
              {"arch", auditvm::to_string(cell.arch)},
              {"suite", cell.suite},
              {"kernel_version", cell.kernel_version},
              {"audit_version", cell.audit_version},
              {"image", cell.image},
              {"status", to_string(cell.status())},
              {"rule", cell.stig},
              {"expected_verdict", verdict_name(cell.expected_verdict)},
              {"verdict", verdict_name(cell.verdict)},
              {"kernel_verdict", verdict_name(cell.kernel_verdict)},
              {"literal_match", cell.literal_match},
              {"grep_match", cell.grep_match},
              {"uncovered", cell.uncovered},
              {"notes", cell.notes},
              {"records_expected", cell.records_expected},
              {"records_matched", cell.records_matched},
              {"console_log", cell.console_log},
              {"audit_log", cell.audit_log},
              {"seconds", cell.seconds},
              {"assertions", assertions},
              {"evidence", cell.evidence ? to_json(*cell.evidence) : json(nullptr)}};
  for (const auto& [name, phase] : kTimingPhases) out["timings"][name] = cell.timings.*phase;
  out["load_failure"] = nullptr;
  if (cell.load_failure)
    out["load_failure"] = {{"line", cell.load_failure->line}, {"text", cell.load_failure->text}, {"message", cell.load_failure->message}};
  if (!cell.infra_error.empty()) out["infra_error"] = cell.infra_error;
  return out;
}

json to_json(const RunResult& run) {
  json cells = json::array();
  for (const auto& cell : run.cells) cells.push_back(to_json(cell));
  return {{"auditvm_version", run.version}, {"started_at", run.started_at}, {"seconds", run.seconds},
          {"status", to_string(run.status())}, {"exit_code", run.exit_code()}, {"cells", cells}};
}

}  // namespace auditvm::report
