// One STIG rule evaluated on one target: a row of a STIG Viewer checklist. Runs and single
// checks both reduce to findings, so one writer serves `auditvm run`, `reproduce` and `check`.
#pragma once

#include <string>
#include <vector>

#include "check/coverage.hpp"
#include "report/result.hpp"

namespace auditvm::report {

// STIG Viewer's statuses: not_reviewed when auditvm could not evaluate the rule.
enum class FindingStatus { not_a_finding, open, not_reviewed };
std::string_view cklb_status(FindingStatus status);

struct Finding {
  check::StigRule rule;
  FindingStatus status = FindingStatus::not_reviewed;
  std::string details;  // the evidence, in words, for the checklist's finding details
};

// The cell's own rule (the one in `rules` with group id cell.stig), every other syscall rule the
// cell judged (cell.evidence->rule_checks, each from its own witnesses), and every state check the
// runner recorded in cell.evidence->status_checks whose rule is in `rules`. The cell's rule has the
// verdict the check model and the kernel's witnesses agree on; not_reviewed (the reason first in
// the details) when they disagree, an assertion found a model mismatch or broken machinery, records
// were lost, or the cell did not run to the end. The scenario's expectations (Status::fail) never
// change it: they are test results.
std::vector<Finding> cell_findings(const CellResult& cell, const std::vector<check::StigRule>& rules);

// A check of captured rules without a guest (`auditvm check`).
Finding check_finding(const check::CheckResult& result, const check::StigRule& rule, Arch arch);

}  // namespace auditvm::report
