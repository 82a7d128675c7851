// What the scenario VM tests share: the cached default guest for a cell, and the part of a run's
// results that must not depend on how its guests were started or shared.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "image/builder.hpp"
#include "report/result.hpp"
#include "scenario/cell_runner.hpp"

namespace auditvm::test {

inline image::Manifest cached_default_guest(const scenario::Cell& cell) {
  auto manifest = image::find_image(cell.arch);
  if (!manifest) throw std::runtime_error("build the images first: auditvm image build --arch all");
  return *manifest;
}

// Verdicts, statuses, records and every call's and witness's result.
inline std::vector<std::string> fingerprint(const report::RunResult& run) {
  std::vector<std::string> out;
  for (const auto& cell : run.cells) {
    std::string line = cell.id() + " " + report::verdict_name(cell.verdict) + " " + report::verdict_name(cell.kernel_verdict) + " " +
                       std::string(report::to_string(cell.status())) + " " + std::to_string(cell.records_matched) + "/" +
                       std::to_string(cell.records_expected);
    if (cell.evidence) {
      for (const auto& action : cell.evidence->actions) line += " " + action.result.value_or("?") + ":" + std::to_string(action.records.size());
      for (const auto& witness : cell.evidence->witnesses) line += " " + witness.text();
    }
    out.push_back(line);
  }
  return out;
}

}  // namespace auditvm::test
