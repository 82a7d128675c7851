#include "scenario/evidence.hpp"

#include <algorithm>

#include "scenario/call_records.hpp"

namespace auditvm::scenario {
namespace {

using report::Assertion;
using report::Status;

// A record must say what the call did (its return value: an open's descriptor, or 0), who made it,
// and carry the key of the rule that recorded it.
bool record_fields_match(const records::SyscallRecord& r, const CallResult& call, const check::Prediction& prediction) {
  return r.success == call.succeeded() && r.exit == (call.succeeded() ? call.ret : -call.error_number) && r.auid == call.auid && r.uid == call.uid &&
         r.key == prediction.key;
}

std::string describe(const Action& action) {
  return "#" + std::to_string(action.index) + " " + action.actor + " " + std::string(to_string(action.abi)) + " " + action.syscall;
}

}  // namespace

ActionEvidence judge_actions(const Scenario& scenario, Arch arch, const rules::RuleSet& loaded, const check::StigRule& stig,
                             const std::vector<CallResult>& calls, const std::vector<records::SyscallRecord>& records,
                             const check::Predictor& predictor) {
  ActionEvidence out;
  for (const auto& action : scenario.actions) {
    const CallResult& call = calls[static_cast<size_t>(action.index)];
    Assertion assertion{describe(action), Status::pass, "", std::nullopt};
    report::ActionRow row;
    row.index = action.index;
    row.actor = action.actor;
    row.abi = action.abi;
    row.syscall = action.syscall;
    row.expect = action.expect;
    row.helper = call.raw;
    if (!call.ran) {
      assertion.status = Status::infra_error;
      assertion.message = "the module helper did not run (" + call.setup_failed + "): " + (call.raw.empty() ? "no output" : call.raw);
      out.assertions.push_back(assertion);
      out.rows.push_back(row);
      continue;
    }
    std::string got = call.succeeded() ? "success" : call.error;
    row.result = got;
    std::vector<std::string> problems;
    if (got != action.expect) problems.push_back("call returned " + got + ", the scenario expected " + action.expect);

    // The exit the kernel records: what the call returned (an open's descriptor, or 0), or -errno.
    check::Event event{action.abi,   action.syscall, call.auid,        call.uid, call.euid, call.gid, call.succeeded(),
                       call.succeeded() ? call.ret : -static_cast<std::int64_t>(call.error_number), scenario.actor(action.actor).login};
    auto prediction = predictor(loaded, arch, event);
    auto mine = records_of(call, arch, action.abi, action.syscall, records);
    row.predicted = prediction.fate;
    row.prediction_reason = prediction.reason;
    for (const auto* record : mine) row.records.push_back(record->text);

    bool required = check::in_required_set(stig, event);
    if (required) {
      out.required_event_tried = true;
      if (mine.empty()) out.required_event_unrecorded = true;
    }
    if (prediction.recorded()) {
      out.records_expected++;
      if (mine.size() == 1) {
        const auto& r = *mine.front();
        if (record_fields_match(r, call, prediction)) out.records_matched++;
        else problems.push_back("record fields differ from the call: " + r.text);
      }
    }
    if (mine.size() > 1) problems.push_back(std::to_string(mine.size()) + " records for one call");
    bool mismatch = false;
    if (prediction.fate != check::Fate::undecidable && prediction.recorded() != !mine.empty()) {
      mismatch = true;
      problems.push_back(std::string("model mismatch: the model predicted ") + (prediction.recorded() ? "a record" : "no record") +
                         " (" + prediction.reason + "), the kernel wrote " + std::to_string(mine.size()));
    }
    if (action.pinned_record && *action.pinned_record != !mine.empty())
      problems.push_back(std::string("the scenario pins ") + (*action.pinned_record ? "a record" : "no record") + ", the kernel wrote " +
                         std::to_string(mine.size()));
    if (!problems.empty()) {
      assertion.status = mismatch ? Status::model_mismatch : Status::fail;
      for (const auto& p : problems) assertion.message += (assertion.message.empty() ? "" : "; ") + p;
    } else {
      assertion.message = got + (mine.empty() ? ", no record" : ", recorded") + " (" + prediction.reason + ")";
    }
    assertion.action = row;
    out.assertions.push_back(assertion);
    out.rows.push_back(row);
  }
  return out;
}

WitnessEvidence judge_witnesses(const std::vector<check::Witness>& witnesses, int first_number, Arch arch,
                                const std::vector<CallResult>& calls, const std::vector<records::SyscallRecord>& records) {
  WitnessEvidence out;
  bool required_made = false, required_unrecorded = false;
  for (std::size_t i = 0; i < witnesses.size(); ++i) {
    const auto& witness = witnesses[i];
    const CallResult& call = i < calls.size() ? calls[i] : CallResult{};
    report::WitnessRow row;
    row.number = first_number + static_cast<int>(i);
    row.event = witness.event;
    row.required = witness.required;
    row.region = witness.region;
    row.predicted = witness.expected.fate;
    row.prediction_reason = witness.expected.reason;
    row.helper = call.raw;
    if (call.ran) row.result = call.succeeded() ? std::string("success") : call.error;
    // A success with another return value than asked (an open's descriptor) is another event.
    if (call.succeeded() && call.ret != witness.event.exit_code) *row.result += " with exit " + std::to_string(call.ret);
    auto mine = records_of(call, arch, witness.event.abi, witness.event.syscall, records);
    for (const auto* record : mine) row.records.push_back(record->text);
    if (!row.made_as_asked()) {
      out.not_made.push_back(row.text() + (call.raw.empty() ? std::string(": no output") : ": " + call.raw));
    } else if (!row.held()) {
      out.failures.push_back(row.text() + ": the model predicted " + (witness.expected.recorded() ? "a record" : "no record") + " (" +
                             witness.expected.reason + ")");
    } else if (mine.size() == 1 && witness.expected.recorded() && !record_fields_match(*mine.front(), call, witness.expected)) {
      out.failures.push_back(row.text() + ": the record's fields differ from the call: " + mine.front()->text);
    }
    // Only a witness made exactly as asked speaks for its region.
    if (witness.required && row.made_as_asked()) {
      required_made = true;
      required_unrecorded |= mine.empty();
    }
    out.rows.push_back(std::move(row));
  }
  if (required_made) out.kernel_verdict = required_unrecorded ? check::Verdict::Open : check::Verdict::NotAFinding;
  return out;
}

WitnessEvidence judge_path_witnesses(const std::vector<check::PathWitness>& witnesses, int first_number, Arch arch, const rules::RuleSet& loaded,
                                     const std::vector<CallResult>& calls, const std::vector<records::SyscallRecord>& records) {
  std::vector<check::Witness> asked;
  for (std::size_t i = 0; i < witnesses.size(); ++i) {
    check::PathAccess access = witnesses[i].access;
    if (i < calls.size() && calls[i].ran) {  // predicted for what happened
      access.event.success = calls[i].succeeded();
      access.event.exit_code = calls[i].succeeded() ? calls[i].ret : -static_cast<std::int64_t>(calls[i].error_number);
    }
    // The region names the access and its path (a directory's: the witness made it on its entry).
    asked.push_back({witnesses[i].access.event, check::predict_access(loaded, arch, access), witnesses[i].required, witnesses[i].region});
  }
  return judge_witnesses(asked, first_number, arch, calls, records);
}

}  // namespace auditvm::scenario
