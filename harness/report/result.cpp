#include "report/result.hpp"

#include <algorithm>


namespace auditvm::report {

std::string_view to_string(Status status) {
  switch (status) {
    case Status::pass: return "pass";
    case Status::fail: return "fail";
    case Status::model_mismatch: return "model_mismatch";
    case Status::infra_error: return "infra_error";
  }
  return "?";
}


bool WitnessRow::made_as_asked() const { return result && *result == check::outcome_name(event); }

bool WitnessRow::held() const {
  if (!made_as_asked()) return false;
  if (predicted == check::Fate::undecidable) return records.size() <= 1;
  return predicted == check::Fate::recorded ? records.size() == 1 : records.empty();
}

std::string WitnessRow::text() const {
  std::string out = check::describe(event) + ": ";
  if (!result) out += "not made";
  else if (*result != check::outcome_name(event)) out += "returned " + *result;
  else out += records.empty() ? "no record" : records.size() == 1 ? "recorded" : std::to_string(records.size()) + " records";
  return out + ", event #" + std::to_string(number);
}

std::string cell_id(const std::string& configuration, Arch arch, const std::string& suite) {
  std::string id = configuration + "@" + std::string(auditvm::to_string(arch));
  if (!suite.empty() && suite != "bookworm") id += "@" + suite;
  return id;
}

std::string verdict_name(const std::optional<Verdict>& verdict) { return verdict ? std::string(check::to_string(*verdict)) : ""; }

std::optional<Verdict> parse_verdict(std::string_view name) {
  for (Verdict verdict : {Verdict::NotAFinding, Verdict::Open})
    if (check::to_string(verdict) == name) return verdict;
  return std::nullopt;
}

std::string LoadFailure::sentence(const std::string& file) const {
  return "the rules failed to load at line " + std::to_string(line) + (file.empty() ? "" : " of " + file) + " (" + text + "): " + message +
         "; nothing after it was loaded";
}

namespace {

// Severity order for summarising: an infrastructure error never hides behind a pass.
int rank(Status status) {
  switch (status) {
    case Status::pass: return 0;
    case Status::fail: return 1;
    case Status::model_mismatch: return 2;
    case Status::infra_error: return 3;
  }
  return 3;
}

Status worst(Status a, Status b) { return rank(a) >= rank(b) ? a : b; }

}  // namespace

Status CellResult::status() const {
  Status status = infra_error.empty() ? Status::pass : Status::infra_error;
  if (assertions.empty() && infra_error.empty()) return Status::infra_error;  // nothing was checked: never a pass
  for (const auto& a : assertions) status = worst(status, a.status);
  return status;
}

Status RunResult::status() const {
  if (cells.empty()) return Status::infra_error;
  Status status = Status::pass;
  for (const auto& cell : cells) status = worst(status, cell.status());
  return status;
}

int RunResult::exit_code() const {
  switch (status()) {
    case Status::pass: return 0;
    case Status::fail:
    case Status::model_mismatch: return 1;
    case Status::infra_error: return 2;
  }
  return 2;
}

}  // namespace auditvm::report
