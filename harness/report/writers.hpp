// Writers for a run: full JSON, JUnit XML (a testsuite per cell, a testcase per assertion), a
// STIG Viewer checklist (.cklb) per cell, and the terminal table.
#pragma once

#include <ostream>

#include <nlohmann/json.hpp>

#include "check/stig.hpp"
#include "report/result.hpp"

namespace auditvm::report {

nlohmann::json to_json(const CellResult& cell);
nlohmann::json to_json(const RunResult& run);
void write_junit(const RunResult& run, std::ostream& out);
// STIG Viewer 3 checklist of one cell: the STIG rule's ids, its status and the evidence.
nlohmann::json cklb(const CellResult& cell, const check::StigRule& stig);
void write_table(const RunResult& run, std::ostream& out);

}  // namespace auditvm::report
