#include "cli/reproduce_summary.hpp"

namespace auditvm::cli {

namespace {
// The runner's assertions (scenario/cell_judge.cpp).
constexpr const char* kLoadPrediction = "lint predicted the rules load";
constexpr const char* kWitnessPredictions = "every witness event did what the model predicted";
}

ReproduceSummary summarise_reproduce(const report::CellResult& cell) {
  ReproduceSummary out;
  // The kernel's verdict comes from the model's own witnesses: a finding no witness confirmed is
  // as much a disagreement as a missing record under NotAFinding.
  bool verdicts_clash = !cell.kernel_verdict || cell.verdict != cell.kernel_verdict;
  std::string load_message, witness_message;
  bool other = false;
  for (const auto& assertion : cell.assertions) {
    if (assertion.status != report::Status::model_mismatch) continue;
    if (assertion.name == kLoadPrediction) load_message = assertion.message;
    else if (assertion.name == kWitnessPredictions) witness_message = assertion.message;
    else other = true;
  }
  out.agree = !verdicts_clash && !other && load_message.empty() && witness_message.empty();
  out.headline = cell.stig + " on " + std::string(to_string(cell.arch)) + ": model " + report::verdict_name(cell.verdict) + ", kernel " +
                 (cell.kernel_verdict ? report::verdict_name(cell.kernel_verdict) : std::string("undecided (no witness made)"));
  if (out.agree) {
    out.headline += " (agree)";
  } else if (verdicts_clash || other) {
    out.disagreement = "verdict";
    out.headline += " -- THEY DISAGREE";
    // The load may explain it: say so, apart from the verdict.
    if (!load_message.empty()) out.headline += " (and lint's load prediction was wrong too: " + load_message + ")";
  } else if (!witness_message.empty()) {
    out.disagreement = "witness";
    out.headline += " (the verdicts agree) -- but a WITNESS CONTRADICTS THE MODEL: " + witness_message;
  } else {
    out.disagreement = "load prediction";
    out.headline += " (the verdicts agree) -- but lint's LOAD PREDICTION WAS WRONG (where auditctl -R stops, not the verdict): " + load_message;
  }
  return out;
}

}  // namespace auditvm::cli
