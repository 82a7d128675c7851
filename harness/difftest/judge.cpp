#include "difftest/judge.hpp"

#include <algorithm>
#include <set>

#include "check/load_simulation.hpp"
#include "core/errors.hpp"
#include "rules/parser.hpp"
#include "rules/values.hpp"

namespace auditvm::difftest {

Model kernel_model() { return [](const rules::RuleSet& loaded, Arch arch, const check::Event& event) { return check::predict(loaded, arch, event); }; }

std::string_view to_string(Disagreement::Kind kind) {
  switch (kind) {
    case Disagreement::Kind::event: return "event";
    case Disagreement::Kind::load: return "load";
    case Disagreement::Kind::verdict: return "verdict";
    case Disagreement::Kind::assertion: return "assertion";
  }
  return "?";
}

namespace {

std::string kernel_text(std::size_t records) {
  return records == 0 ? "no record" : records == 1 ? "recorded" : std::to_string(records) + " records";
}

// The kernel did what `fate` says: one record, none, or (undecidable) either.
bool agrees(check::Fate fate, std::size_t records) {
  if (fate == check::Fate::undecidable) return records <= 1;
  return fate == check::Fate::recorded ? records == 1 : records == 0;
}

// `event` as it was made (its outcome is the one the call returned).
void compare_event(Judgement& out, const check::Prediction& prediction, const check::Event& event, const std::vector<std::string>& records) {
  ++out.events;
  if (agrees(prediction.fate, records.size())) return;
  std::string kernel = kernel_text(records.size());
  out.disagreements.push_back({Disagreement::Kind::event, event, check::describe(event),
                               std::string(check::to_string(prediction.fate)) + " (" + prediction.reason + ")", kernel, records});
}

}  // namespace


namespace {

// "stops at line 7: MESSAGE" -> "stops: MESSAGE": the same refusal on another line is the same.
std::string without_line(std::string text) {
  auto at = text.find(" at line ");
  if (at == std::string::npos) return text;
  auto end = text.find_first_not_of("0123456789", at + 9);
  return text.erase(at, (end == std::string::npos ? text.size() : end) - at);
}

}  // namespace

std::string Disagreement::signature() const {
  std::string out(to_string(kind));
  if (kind == Kind::load) out += " model " + without_line(model) + " / kernel " + without_line(kernel);
  if (event) out += " " + std::string(auditvm::to_string(event->abi)) + " " + event->syscall + " model " + model.substr(0, model.find(" (")) + " kernel " + kernel;
  if (kind == Kind::assertion) out += " " + what;
  return out;
}

Judgement judge_cell(const report::CellResult& cell, const scenario::Scenario& scenario, const check::StigRule& stig, const Model& model) {
  Judgement out;
  if (!cell.infra_error.empty()) out.inconclusive = "the cell did not run to the end: " + cell.infra_error;
  // Lint's prediction of `auditctl -R` against the real one, on the file the guest loaded.
  if (cell.evidence && cell.evidence->auditctl_R) {
    auto userspace = rules::userspace_from_version(cell.audit_version).value_or(rules::Userspace::audit3);  // the guest's auditctl
    const auto& target = cell.evidence->target_paths;  // the guest's paths (none in older results: lint's guess)
    auto predicted = check::simulate_load(cell.evidence->rules_file, cell.arch, "rules", userspace, target ? &*target : nullptr);
    int real = cell.load_failure ? cell.load_failure->line : 0;
    if (predicted.failing_line.value_or(0) != real)
      out.disagreements.push_back({Disagreement::Kind::load, std::nullopt, "where auditctl -R stops",
                                   predicted.failing_line ? "stops at line " + std::to_string(*predicted.failing_line) + ": " + predicted.message
                                                          : std::string("loads completely"),
                                   cell.load_failure ? "stopped at line " + std::to_string(real) + ": " + cell.load_failure->message
                                                     : std::string("loaded completely"),
                                   {}});
  }
  for (const auto& assertion : cell.assertions)
    if (assertion.name == "no audit records lost" && assertion.status != report::Status::pass)
      out.inconclusive = "audit records were lost (" + assertion.message + ")";
  if (!out.inconclusive.empty() || !cell.evidence) return out;

  rules::RuleSet loaded;
  try {
    loaded = rules::parse_listing(cell.evidence->auditctl_l, cell.arch, "auditctl -l");
  } catch (const InputError& e) {
    out.inconclusive = std::string("auditctl -l cannot be parsed: ") + e.what();
    return out;
  }
  for (const auto& row : cell.evidence->actions) {
    if (!row.result) continue;  // the helper did not run: the cell's own assertion says so
    const auto& actor = scenario.actor(row.actor);
    check::Event event{row.abi, row.syscall, actor.auid.value_or(rules::kUnsetId), actor.uid, actor.uid, actor.gid, *row.result == "success",
                       *row.result == "success" ? 0 : -static_cast<std::int64_t>(rules::errno_from_name(*row.result).value_or(0))};
    compare_event(out, model(loaded, cell.arch, event), event, row.records);
  }
  // A witness the guest could not make as asked says nothing about its region (the cell reports it).
  for (const auto& row : cell.evidence->witnesses) {
    if (row.made_as_asked()) compare_event(out, model(loaded, cell.arch, row.event), row.event, row.records);
    else ++out.not_made;
  }
  bool verdicts_differ = cell.verdict && cell.kernel_verdict && *cell.verdict != *cell.kernel_verdict;
  if (verdicts_differ && *cell.verdict == check::Verdict::Open) {
    // An undecided condition is Open by design; a decided gap only counts once a witness was made
    // inside it (one predicted to leave no record). Where the guest can make none (an errno it
    // cannot cause), the kernel was not asked: unconfirmed, not a disagreement.
    std::string decided_gaps;
    for (const auto& group : check::evaluate(loaded, cell.arch, stig).uncovered)
      if (group.fate != check::Fate::undecidable) decided_gaps += (decided_gaps.empty() ? "" : "; ") + group.text();
    const bool witnessed = std::any_of(cell.evidence->witnesses.begin(), cell.evidence->witnesses.end(), [](const report::WitnessRow& w) {
      return w.required && w.made_as_asked() && (w.predicted == check::Fate::no_rule || w.predicted == check::Fate::suppressed);
    });
    verdicts_differ = !decided_gaps.empty() && witnessed;
    if (!decided_gaps.empty() && !witnessed) out.unconfirmed = "no witness could be made in: " + decided_gaps;
  }
  if (verdicts_differ)
    out.disagreements.push_back({Disagreement::Kind::verdict, std::nullopt, "the STIG verdict", report::verdict_name(cell.verdict),
                                 report::verdict_name(cell.kernel_verdict), {}});
  // Anything else the cell itself calls a model mismatch: what is compared above, event by event,
  // on the load and on the verdict, is not counted twice.
  static const std::set<std::string> compared_here = {"lint predicted the rules load", "the kernel's witnesses confirm the verdict",
                                                      "every witness event did what the model predicted", "the actions' records support the verdict"};
  for (const auto& assertion : cell.assertions)
    if (assertion.status == report::Status::model_mismatch && !assertion.action && !compared_here.count(assertion.name))
      out.disagreements.push_back({Disagreement::Kind::assertion, std::nullopt, assertion.name, "", assertion.message, {}});
  return out;
}

}  // namespace auditvm::difftest
