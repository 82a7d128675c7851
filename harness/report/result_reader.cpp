#include "report/result_reader.hpp"

#include "core/json_file.hpp"

namespace auditvm::report {
namespace {

using nlohmann::json;

struct Reader {
  std::string file;

  InputLocation at(const std::string& pointer) const { return {file, 0, pointer}; }
  template <typename T>
  T get(const json& object, const std::string& key, const std::string& pointer) const {
    return json_field<T>(object, key, at(pointer));
  }
  const json& member(const json& object, const std::string& key, const std::string& pointer) const {
    return json_member(object, key, at(pointer));
  }
  // One of the names `to_string` gives `values`.
  template <typename E, typename Names>
  E named(const json& object, const std::string& key, const std::string& pointer, std::initializer_list<E> values, Names to_name) const {
    auto text = get<std::string>(object, key, pointer);
    for (E value : values)
      if (to_name(value) == text) return value;
    throw InputError(at(pointer + "/" + key), "unknown value '" + text + "'");
  }
  std::optional<Verdict> verdict(const json& object, const std::string& key, const std::string& pointer) const {
    auto text = get<std::string>(object, key, pointer);
    if (text.empty()) return std::nullopt;
    auto verdict = parse_verdict(text);
    if (!verdict) throw InputError(at(pointer + "/" + key), "expected NotAFinding, Open or \"\"");
    return verdict;
  }
  Abi abi(const json& object, const std::string& pointer) const {
    auto parsed = parse_abi(get<std::string>(object, "abi", pointer));
    if (!parsed) throw InputError(at(pointer + "/abi"), "expected b32 or b64");
    return *parsed;
  }
  check::Fate fate(const json& object, const std::string& pointer) const {
    using check::Fate;
    return named(object, "predicted", pointer, {Fate::recorded, Fate::suppressed, Fate::no_rule, Fate::undecidable},
                 [](Fate f) { return check::to_string(f); });
  }
  std::optional<std::string> optional_string(const json& object, const std::string& key, const std::string& pointer) const {
    const auto& value = member(object, key, pointer);
    if (value.is_null()) return std::nullopt;
    return get<std::string>(object, key, pointer);
  }

  ActionRow action(const json& in, const std::string& p) const {
    ActionRow row;
    row.index = get<int>(in, "index", p);
    row.actor = get<std::string>(in, "actor", p);
    row.abi = abi(in, p);
    row.syscall = get<std::string>(in, "syscall", p);
    row.expect = get<std::string>(in, "expect", p);
    row.helper = get<std::string>(in, "helper", p);
    if (!in.contains("result")) return row;  // the helper did not run
    row.result = get<std::string>(in, "result", p);
    row.predicted = fate(in, p);
    row.prediction_reason = get<std::string>(in, "prediction_reason", p);
    row.records = get<std::vector<std::string>>(in, "records", p);
    return row;
  }

  WitnessRow witness(const json& in, const std::string& p) const {
    WitnessRow row;
    row.number = get<int>(in, "number", p);
    row.rule = get<std::string>(in, "rule", p);
    const auto& e = member(in, "event", p);
    const std::string ep = p + "/event";
    row.event.abi = abi(e, ep);
    row.event.syscall = get<std::string>(e, "syscall", ep);
    row.event.auid = get<std::uint32_t>(e, "auid", ep);
    row.event.uid = get<std::uint32_t>(e, "uid", ep);
    row.event.euid = get<std::uint32_t>(e, "euid", ep);
    row.event.gid = get<std::uint32_t>(e, "gid", ep);
    row.event.success = get<bool>(e, "success", ep);
    row.event.exit_code = get<std::int64_t>(e, "exit", ep);
    row.event.login = named(e, "login", ep, {check::LoginMode::inherited, check::LoginMode::self}, [](check::LoginMode m) { return check::to_string(m); });
    row.event.alternate_exe = get<bool>(e, "alternate_exe", ep);
    row.required = get<bool>(in, "required", p);
    row.region = get<std::string>(in, "region", p);
    row.predicted = fate(in, p);
    row.prediction_reason = get<std::string>(in, "prediction_reason", p);
    row.result = optional_string(in, "result", p);
    row.helper = get<std::string>(in, "helper", p);
    row.records = get<std::vector<std::string>>(in, "records", p);
    return row;
  }

  CellEvidence evidence(const json& in, const std::string& p) const {
    CellEvidence out;
    if (in.contains("auditctl_R")) {
      const auto& r = member(in, "auditctl_R", p);
      out.auditctl_R = LoadOutput{get<int>(r, "exit", p + "/auditctl_R"), get<std::string>(r, "output", p + "/auditctl_R")};
    }
    if (in.contains("rules_file_rendered")) out.rules_file_rendered = get<std::string>(in, "rules_file_rendered", p);
    out.rules_file = get<std::string>(in, "rules_file", p);
    if (in.contains("target_paths")) {  // optional: older results have none
      const auto& paths = member(in, "target_paths", p);
      if (!paths.is_object()) throw InputError(at(p + "/target_paths"), "expected an object of path: state");
      check::TargetPaths target;
      for (const auto& [path, state] : paths.items()) {
        std::string pointer = p + "/target_paths/";
        for (char c : path) pointer += c == '~' ? "~0" : c == '/' ? "~1" : std::string(1, c);
        auto parsed = state.is_string() ? check::parse_path_state(state.get<std::string>()) : std::nullopt;
        if (!parsed) throw InputError(at(pointer), "expected directory, other, missing, blocked or dangling");
        target.states[path] = *parsed;
      }
      out.target_paths = std::move(target);
    }
    out.auditctl_l = get<std::string>(in, "auditctl_l", p);
    out.auditctl_s_before = get<std::string>(in, "auditctl_s_before", p);
    out.auditctl_s_after = get<std::string>(in, "auditctl_s_after", p);
    out.cmdline = get<std::string>(in, "cmdline", p);
    // Older results have no uname_r or auditctl_v.
    if (in.contains("uname_r")) out.uname_r = get<std::string>(in, "uname_r", p);
    if (in.contains("auditctl_v")) out.auditctl_v = get<std::string>(in, "auditctl_v", p);
    if (in.contains("services")) out.services = get<std::string>(in, "services", p);  // older results: none
    const auto& checks = member(in, "status_checks", p);
    for (std::size_t i = 0; i < checks.size(); ++i) {
      const std::string cp = p + "/status_checks/" + std::to_string(i);
      auto verdict = this->verdict(checks[i], "status", cp);
      if (!verdict) throw InputError(at(cp + "/status"), "expected NotAFinding or Open");
      out.status_checks.push_back({get<std::string>(checks[i], "rule", cp), *verdict, get<std::vector<std::string>>(checks[i], "reasons", cp)});
    }
    const auto& rule_checks = member(in, "rule_checks", p);
    for (std::size_t i = 0; i < rule_checks.size(); ++i) {
      const std::string rp = p + "/rule_checks/" + std::to_string(i);
      const auto& r = rule_checks[i];
      out.rule_checks.push_back({get<std::string>(r, "rule", rp), verdict(r, "expected_verdict", rp), verdict(r, "verdict", rp),
                                 verdict(r, "kernel_verdict", rp), get<bool>(r, "literal_match", rp), get<bool>(r, "grep_match", rp),
                                 get<std::vector<std::string>>(r, "uncovered", rp), get<std::vector<std::string>>(r, "notes", rp)});
    }
    const auto& actions = member(in, "actions", p);
    for (std::size_t i = 0; i < actions.size(); ++i) out.actions.push_back(action(actions[i], p + "/actions/" + std::to_string(i)));
    const auto& witnesses = member(in, "witnesses", p);
    for (std::size_t i = 0; i < witnesses.size(); ++i) out.witnesses.push_back(witness(witnesses[i], p + "/witnesses/" + std::to_string(i)));
    return out;
  }

  CellResult cell(const json& in, const std::string& p) const {
    CellResult c;
    c.scenario = get<std::string>(in, "scenario", p);
    c.configuration = get<std::string>(in, "configuration", p);
    c.description = get<std::string>(in, "description", p);
    auto arch = parse_arch(get<std::string>(in, "arch", p));
    if (!arch) throw InputError(at(p + "/arch"), "expected x86_64 or aarch64");
    c.arch = *arch;
    c.suite = get<std::string>(in, "suite", p);
    c.kernel_version = get<std::string>(in, "kernel_version", p);
    c.audit_version = get<std::string>(in, "audit_version", p);
    c.image = get<std::string>(in, "image", p);
    c.stig = get<std::string>(in, "rule", p);
    c.expected_verdict = verdict(in, "expected_verdict", p);
    c.verdict = verdict(in, "verdict", p);
    c.kernel_verdict = verdict(in, "kernel_verdict", p);
    c.literal_match = get<bool>(in, "literal_match", p);
    c.grep_match = get<bool>(in, "grep_match", p);
    c.uncovered = get<std::vector<std::string>>(in, "uncovered", p);
    c.notes = get<std::vector<std::string>>(in, "notes", p);
    c.records_expected = get<int>(in, "records_expected", p);
    c.records_matched = get<int>(in, "records_matched", p);
    c.console_log = get<std::string>(in, "console_log", p);
    c.audit_log = get<std::string>(in, "audit_log", p);
    c.seconds = get<double>(in, "seconds", p);
    if (in.contains("timings"))  // absent from results written before cells had timings
      for (const auto& [name, phase] : kTimingPhases) {
        const auto& timings = member(in, "timings", p);
        if (std::string(name) == "restore" && timings.is_object() && !timings.contains(name)) continue;  // before snapshots
        c.timings.*phase = get<double>(timings, name, p + "/timings");
      }
    const auto& assertions = member(in, "assertions", p);
    for (std::size_t i = 0; i < assertions.size(); ++i) {
      const std::string ap = p + "/assertions/" + std::to_string(i);
      Assertion a;
      a.name = get<std::string>(assertions[i], "name", ap);
      a.status = named(assertions[i], "status", ap, {Status::pass, Status::fail, Status::model_mismatch, Status::infra_error},
                       [](Status s) { return to_string(s); });
      a.message = get<std::string>(assertions[i], "message", ap);
      const auto& evidence = member(assertions[i], "evidence", ap);
      if (!evidence.empty()) a.action = action(evidence, ap + "/evidence");
      c.assertions.push_back(a);
    }
    const auto& evidence = member(in, "evidence", p);
    if (!evidence.is_null()) c.evidence = this->evidence(evidence, p + "/evidence");
    const auto& load = member(in, "load_failure", p);
    if (!load.is_null())
      c.load_failure = LoadFailure{get<int>(load, "line", p + "/load_failure"), get<std::string>(load, "text", p + "/load_failure"),
                                   get<std::string>(load, "message", p + "/load_failure")};
    c.infra_error = json_field_or<std::string>(in, "infra_error", "", at(p));
    if (get<std::string>(in, "id", p) != c.id()) throw InputError(at(p + "/id"), "is not the id of its configuration, arch and suite");
    return c;
  }
};

}  // namespace

RunResult load_run_result(const std::filesystem::path& file) {
  auto document = read_json_document(file, "result file");
  Reader reader{file.string()};
  try {
    const auto& in = document.value;
    if (!in.is_object()) throw InputError(reader.at(""), "expected an object (an auditvm result.json)");
    RunResult run;
    run.version = reader.get<std::string>(in, "auditvm_version", "");
    run.started_at = reader.get<std::string>(in, "started_at", "");
    run.seconds = reader.get<double>(in, "seconds", "");
    const auto& cells = reader.member(in, "cells", "");
    if (!cells.is_array()) throw InputError(reader.at("/cells"), "expected an array");
    for (std::size_t i = 0; i < cells.size(); ++i) run.cells.push_back(reader.cell(cells[i], "/cells/" + std::to_string(i)));
    return run;
  } catch (const InputError& error) {
    throw document.lines.locate(error);
  }
}

}  // namespace auditvm::report
