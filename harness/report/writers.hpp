// Writers for a run: full JSON, JUnit XML (a testsuite per cell, a testcase per assertion), a
// STIG Viewer checklist (.cklb) per cell, and the terminal table.
#pragma once

#include <ostream>

#include <nlohmann/json.hpp>

#include "check/stig.hpp"
#include "report/finding.hpp"
#include "report/result.hpp"
#include "report/target.hpp"

namespace auditvm::report {

nlohmann::json to_json(const CellResult& cell);
nlohmann::json to_json(const RunResult& run);
void write_junit(const RunResult& run, std::ostream& out);

// STIG Viewer 3 checklists (.cklb): a rule entry per finding, with the STIG's ids and texts, the
// status (not_a_finding / open / not_reviewed) and the evidence as finding details.
// The STIG the rule data comes from (scenarios/stig/*.json hold its rules).
inline constexpr const char* kStigName = "Anduril NixOS Security Technical Implementation Guide";
inline constexpr const char* kStigDisplayName = "Anduril NixOS";
inline constexpr const char* kStigId = "Anduril_NixOS_STIG";

// The STIG's version and release (V1R1 -> "1", "1") and STIG Viewer's release_info, "Release: 1
// Benchmark Date: 25 Oct 2024", the form STIG Manager reads the revision from.
struct StigRelease {
  std::string version;
  std::string release;
  std::string release_info;
};
StigRelease stig_release(const check::StigRule& rule);

nlohmann::json cklb(const ChecklistTarget& target, const std::vector<Finding>& findings);
// One cell: its rule and the state checks run in the same guest (see cell_findings), out of `rules`,
// on the cell's target unless `target` says otherwise.
nlohmann::json cklb(const CellResult& cell, const std::vector<check::StigRule>& rules, const TargetData& target = {});

// STIG Viewer 2 checklists (.ckl, XML; what MITRE SAF reads): the same findings and target.
std::string ckl(const ChecklistTarget& target, const std::vector<Finding>& findings);
std::string ckl(const CellResult& cell, const std::vector<check::StigRule>& rules, const TargetData& target = {});
// XCCDF 1.2 TestResult (<cell>-xccdf.xml): the same findings as rule-results, with test-system
// "cpe:/a:auditvm:auditvm:<version>" so STIG Manager records auditvm as the result engine.
std::string xccdf(const ChecklistTarget& target, const std::vector<Finding>& findings, const std::string& auditvm_version,
                  const std::string& start_time, const std::string& end_time);
// One cell, ended now.
std::string xccdf(const CellResult& cell, const std::vector<check::StigRule>& rules, const std::string& auditvm_version,
                  const std::string& start_time, const TargetData& target = {});
// One cell, its own rule only.
nlohmann::json cklb(const CellResult& cell, const check::StigRule& stig);

void write_table(const RunResult& run, std::ostream& out);

// report.html: one self-contained page, the matrix at a glance and each cell's evidence.
std::string html_report(const RunResult& run);

}  // namespace auditvm::report
