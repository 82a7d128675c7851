#include "cli/reproduce_summary.hpp"

namespace auditvm::cli {

namespace {
constexpr const char* kLoadPrediction = "lint predicted the rules load";  // the runner's assertion
}

ReproduceSummary summarise_reproduce(const report::CellResult& cell) {
  ReproduceSummary out;
  // The kernel's calls sample the required events: a kernel NotAFinding under a model Open is no
  // contradiction, a missing record under a model NotAFinding is.
  bool verdicts_clash = cell.verdict == report::Verdict::NotAFinding && cell.kernel_verdict == report::Verdict::Open;
  bool only_load_prediction = !verdicts_clash, mismatch = verdicts_clash;
  std::string load_message;
  for (const auto& assertion : cell.assertions) {
    if (assertion.status != report::Status::model_mismatch) continue;
    mismatch = true;
    if (assertion.name == kLoadPrediction) load_message = assertion.message;
    else only_load_prediction = false;
  }
  out.agree = !mismatch;
  out.headline = cell.stig + " on " + std::string(to_string(cell.arch)) + ": model " + report::verdict_name(cell.verdict) + ", kernel evidence " +
                 report::verdict_name(cell.kernel_verdict);
  if (!mismatch) {
    out.headline += " (agree)";
  } else if (only_load_prediction) {
    out.disagreement = "load prediction";
    out.headline += " (the verdicts agree) -- but lint's LOAD PREDICTION WAS WRONG: " + load_message;
  } else {
    out.disagreement = "verdict";
    out.headline += " -- THEY DISAGREE";
  }
  return out;
}

}  // namespace auditvm::cli
