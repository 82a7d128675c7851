#include "report/assets.hpp"

#include <algorithm>
#include <map>
#include <sstream>

namespace auditvm::report {
namespace {

int severity(FindingStatus status) {
  switch (status) {
    case FindingStatus::open: return 2;
    case FindingStatus::not_reviewed: return 1;
    case FindingStatus::not_a_finding: return 0;
  }
  return 1;
}

}  // namespace

FindingStatus worst_status(FindingStatus a, FindingStatus b) { return severity(a) >= severity(b) ? a : b; }

Finding combined_finding(const std::vector<std::pair<std::string, Finding>>& by_cell, std::size_t cells) {
  Finding out{by_cell.at(0).second.rule, by_cell[0].second.status, ""};
  for (const auto& [id, finding] : by_cell) out.status = worst_status(out.status, finding.status);
  std::ostringstream details;
  details << "auditvm evaluated this rule in " << by_cell.size();
  if (by_cell.size() != cells) details << " of " << cells;
  details << " cells on this asset; the worst status wins (open over not_reviewed over not_a_finding): " << cklb_status(out.status) << ".\n";
  for (const auto& [id, finding] : by_cell) details << "  " << id << ": " << cklb_status(finding.status) << "\n";
  auto worst_first = by_cell;
  std::stable_sort(worst_first.begin(), worst_first.end(),
                   [](const auto& a, const auto& b) { return severity(a.second.status) > severity(b.second.status); });
  for (const auto& [id, finding] : worst_first) details << "\n=== " << id << ": " << cklb_status(finding.status) << " ===\n" << finding.details;
  out.details = details.str();
  return out;
}

std::vector<AssetChecklist> asset_checklists(const RunResult& run, const std::vector<check::StigRule>& rules, const TargetData& given) {
  std::vector<AssetChecklist> assets;
  std::map<std::string, std::size_t> by_host;  // host name -> index in assets
  // Per asset, per rule (in first-seen order): each cell's finding.
  std::vector<std::vector<std::pair<std::string, std::vector<std::pair<std::string, Finding>>>>> rows;
  for (const auto& cell : run.cells) {
    auto target = cell_target(cell, given);
    auto [at, fresh] = by_host.emplace(target.host_name, assets.size());
    if (fresh) {
      // Files named after the asset: the host the user named, else the cell (whose own asset it is).
      assets.push_back({given.host_name ? target.host_name : cell.id(), target, {}, {}});
      rows.emplace_back();
    }
    auto& asset = assets[at->second];
    asset.cells.push_back(cell.id());
    for (auto& finding : cell_findings(cell, rules)) {
      auto& by_rule = rows[at->second];
      auto row = std::find_if(by_rule.begin(), by_rule.end(), [&](const auto& r) { return r.first == finding.rule.group_id; });
      if (row == by_rule.end()) row = by_rule.insert(by_rule.end(), {finding.rule.group_id, {}});
      row->second.push_back({cell.id(), std::move(finding)});
    }
  }
  for (std::size_t i = 0; i < assets.size(); ++i) {
    auto& asset = assets[i];
    const bool shared = asset.cells.size() > 1;
    if (shared) {
      asset.target.title = "auditvm " + asset.target.host_name;
      if (!given.comments)
        asset.target.comments = "auditvm: the findings of " + std::to_string(asset.cells.size()) +
                                " cells, each rule with its worst status (each finding's details list the cells)";
    }
    for (const auto& [rule, by_cell] : rows[i])
      asset.findings.push_back(shared ? combined_finding(by_cell, asset.cells.size()) : by_cell.front().second);
  }
  return assets;
}

}  // namespace auditvm::report
