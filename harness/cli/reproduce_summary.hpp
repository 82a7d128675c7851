// What `auditvm reproduce` concludes from its one cell: whether model and kernel agree and, when
// they do not, on what (the verdict, or only lint's prediction of where auditctl -R stops).
#pragma once

#include <string>

#include "report/result.hpp"

namespace auditvm::cli {

struct ReproduceSummary {
  bool agree = true;
  std::string disagreement;  // empty, "load prediction" or "verdict"
  std::string headline;      // the first line of the text report
};

ReproduceSummary summarise_reproduce(const report::CellResult& cell);

}  // namespace auditvm::cli
