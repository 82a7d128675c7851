// Writers for a run: full JSON, JUnit XML (a testsuite per cell, a testcase per assertion), a
// STIG Viewer checklist (.cklb) per cell, and the terminal table.
#pragma once

#include <ostream>

#include <nlohmann/json.hpp>

#include "check/stig.hpp"
#include "report/finding.hpp"
#include "report/result.hpp"

namespace auditvm::report {

nlohmann::json to_json(const CellResult& cell);
nlohmann::json to_json(const RunResult& run);
void write_junit(const RunResult& run, std::ostream& out);

// STIG Viewer 3 checklists (.cklb): a rule entry per finding, with the STIG's ids and texts, the
// status (not_a_finding / open / not_reviewed) and the evidence as finding details.
struct ChecklistTarget {
  std::string title;
  std::string host_name;
  std::string comments;
};
nlohmann::json cklb(const ChecklistTarget& target, const std::vector<Finding>& findings);
// One cell: its rule and the state checks run in the same guest (see cell_findings), out of `rules`.
nlohmann::json cklb(const CellResult& cell, const std::vector<check::StigRule>& rules);
// One cell, its own rule only.
nlohmann::json cklb(const CellResult& cell, const check::StigRule& stig);

void write_table(const RunResult& run, std::ostream& out);

}  // namespace auditvm::report
