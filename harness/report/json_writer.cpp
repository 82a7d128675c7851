#include "report/writers.hpp"

namespace auditvm::report {

nlohmann::json to_json(const CellResult& cell) {
  nlohmann::json assertions = nlohmann::json::array();
  for (const auto& a : cell.assertions)
    assertions.push_back({{"name", a.name}, {"status", to_string(a.status)}, {"message", a.message}, {"evidence", a.evidence}});
  nlohmann::json out = {{"id", cell.id()},
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
                        {"expected_verdict", cell.expected_verdict},
                        {"verdict", cell.verdict},
                        {"kernel_verdict", cell.kernel_verdict},
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
                        {"evidence", cell.evidence}};
  out["load_failure"] = nullptr;
  if (cell.load_failure)
    out["load_failure"] = {{"line", cell.load_failure->line}, {"text", cell.load_failure->text}, {"message", cell.load_failure->message}};
  if (!cell.infra_error.empty()) out["infra_error"] = cell.infra_error;
  return out;
}

nlohmann::json to_json(const RunResult& run) {
  nlohmann::json cells = nlohmann::json::array();
  for (const auto& cell : run.cells) cells.push_back(to_json(cell));
  return {{"auditvm_version", run.version}, {"started_at", run.started_at}, {"seconds", run.seconds},
          {"status", to_string(run.status())}, {"exit_code", run.exit_code()}, {"cells", cells}};
}

}  // namespace auditvm::report
