#include "scenario/evidence.hpp"

#include <algorithm>
#include <sstream>

#include <nlohmann/json.hpp>

#include "rules/syscall_table.hpp"

namespace auditvm::scenario {
namespace {

using report::Assertion;
using report::Status;

std::string describe(const Action& action) {
  return "#" + std::to_string(action.index) + " " + action.actor + " " + std::string(to_string(action.abi)) + " " + action.syscall;
}

}  // namespace

std::vector<CallResult> parse_call_results(const std::string& output, std::size_t expected_count) {
  std::vector<CallResult> calls;
  std::istringstream lines(output);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] != '{') continue;
    CallResult call;
    call.raw = line;
    try {
      auto j = nlohmann::json::parse(line);
      if (j.contains("syscall")) {
        call.ran = true;
        call.pid = j.at("pid").get<long>();
        call.auid = j.at("auid").get<std::uint32_t>();
        call.uid = j.at("uid").get<std::uint32_t>();
        call.gid = j.at("gid").get<std::uint32_t>();
        call.ret = j.at("ret").get<long>();
        call.error_number = j.at("errno").get<int>();
        call.error = j.at("error").get<std::string>();
      }
    } catch (const nlohmann::json::exception&) {
      call.ran = false;
    }
    calls.push_back(call);
  }
  calls.resize(std::max(calls.size(), expected_count));
  return calls;
}

ActionEvidence judge_actions(const Scenario& scenario, Arch arch, const rules::RuleSet& loaded, const check::StigRule& stig,
                             const std::vector<CallResult>& calls, const std::vector<records::SyscallRecord>& records) {
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
      assertion.message = "the module helper did not run: " + (call.raw.empty() ? "no output" : call.raw);
      out.assertions.push_back(assertion);
      out.rows.push_back(row);
      continue;
    }
    std::string got = call.ret == 0 ? "success" : call.error;
    row.result = got;
    std::vector<std::string> problems;
    if (got != action.expect) problems.push_back("call returned " + got + ", the scenario expected " + action.expect);

    check::Event event{action.abi, action.syscall, call.auid, call.uid, call.uid, call.gid, call.ret == 0,
                       call.ret == 0 ? 0 : -static_cast<std::int64_t>(call.error_number)};
    auto prediction = check::predict(loaded, arch, event);
    int number = rules::syscall_number(arch, action.abi, action.syscall).value_or(-1);
    std::vector<const records::SyscallRecord*> mine;
    for (const auto& record : records)
      if (record.pid == call.pid && record.syscall == number && record.arch == audit_arch_value(arch, action.abi)) mine.push_back(&record);
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
        bool fields_ok = r.success == (call.ret == 0) && r.exit == (call.ret == 0 ? 0 : -call.error_number) &&
                         r.auid == call.auid && r.uid == call.uid && r.key == prediction.key;
        if (fields_ok) out.records_matched++;
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

}  // namespace auditvm::scenario
