// The checklists of a run, one per asset. STIG Manager files a checklist under its host name, so
// cells whose target names one host (the user's --host-name or --target) are one asset: their
// findings go into one checklist, each rule once. A cell on auditvm's default target
// ("auditvm-<cell>") is an asset of its own.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "report/finding.hpp"
#include "report/target.hpp"

namespace auditvm::report {

struct AssetChecklist {
  std::string name;                // the files' name: the host name the user gave, else the cell id
  ChecklistTarget target;
  std::vector<std::string> cells;  // the ids of the cells on it, in the run's order
  std::vector<Finding> findings;   // one per rule, in the order the cells first evaluated them
};

// Open over not_reviewed over not_a_finding: a rule is NotAFinding on an asset only when every
// cell that evaluated it says so, and a cell that found it Open is a finding whatever another
// could not review.
FindingStatus worst_status(FindingStatus a, FindingStatus b);

// One rule's findings in the cells of one asset (`cells` of them in all) as one: the worst status;
// details with a summary first (the status, each cell's), then each cell's evidence, the worst
// cells first, since STIG Manager keeps only the first 32767 characters.
Finding combined_finding(const std::vector<std::pair<std::string, Finding>>& by_cell, std::size_t cells);

// The run's checklists: cells grouped by host name (cell_target with `given`).
std::vector<AssetChecklist> asset_checklists(const RunResult& run, const std::vector<check::StigRule>& rules, const TargetData& given);

}  // namespace auditvm::report
