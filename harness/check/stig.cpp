#include "check/stig.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <regex>

#include "core/errors.hpp"
#include "core/project_root.hpp"
#include "core/json_file.hpp"
#include "rules/syscall_table.hpp"
#include "rules/values.hpp"


namespace auditvm::check {
namespace {

using nlohmann::json;

// Reads `key` of `object` as T, with an InputError naming the file and the JSON path.
template <typename T>
T field(const json& object, const std::string& key, const std::string& file, const std::string& path) {
  if (!object.contains(key)) throw InputError({file, 0, path + "/" + key}, "missing field");
  try {
    return object.at(key).get<T>();
  } catch (const json::exception&) {
    throw InputError({file, 0, path + "/" + key}, "has the wrong type");
  }
}

RequiredEvents parse_required(const json& item, const std::string& file, const std::string& path) {
  RequiredEvents out;
  for (const auto& name : field<std::vector<std::string>>(item, "abis", file, path)) {
    auto abi = parse_abi(name);
    if (!abi) throw InputError({file, 0, path + "/abis"}, "unknown ABI '" + name + "' (expected b32 or b64)");
    out.abis.push_back(*abi);
  }
  out.syscalls = field<std::vector<std::string>>(item, "syscalls", file, path);
  // A name no table knows would be skipped as "not on this ABI" and the rule pass for nothing; one
  // some arch lacks (rename on aarch64) is real data.
  for (std::size_t i = 0; i < out.syscalls.size(); ++i) {
    bool known = false;
    for (Arch arch : all_arches())
      for (Abi abi : {Abi::b32, Abi::b64}) known |= rules::syscall_number(arch, abi, out.syscalls[i]).has_value();
    if (!known)
      throw InputError({file, 0, path + "/syscalls/" + std::to_string(i)}, "unknown system call '" + out.syscalls[i] + "' (on every arch and ABI)");
  }
  for (const auto& range : field<std::vector<std::vector<std::int64_t>>>(item, "auid", file, path)) {
    if (range.size() != 2 || range[0] > range[1]) throw InputError({file, 0, path + "/auid"}, "expected [low, high] pairs");
    out.auids.push_back({range[0], range[1]});
  }
  std::string outcome = item.value("outcome", "any");
  if (outcome == "success") out.failures = false;
  else if (outcome == "failure") out.successes = false;
  else if (outcome != "any") throw InputError({file, 0, path + "/outcome"}, "expected any, success or failure");
  for (const auto& name : item.value("failure_errnos", std::vector<std::string>{})) {
    auto number = rules::errno_from_name(name);
    if (!number) throw InputError({file, 0, path + "/failure_errnos"}, "unknown errno '" + name + "'");
    out.failure_errnos.push_back(*number);
  }
  return out;
}

}  // namespace

StigRule load_stig_rule(const std::filesystem::path& file) {
  json data = read_json_file(file, "STIG rule file");
  const std::string name = file.string();
  StigRule rule;
  rule.source = file;
  rule.group_id = field<std::string>(data, "group_id", name, "");
  rule.rule_id = field<std::string>(data, "rule_id", name, "");
  rule.stig_id = field<std::string>(data, "stig_id", name, "");
  rule.srg_id = field<std::string>(data, "srg_id", name, "");
  rule.severity = field<std::string>(data, "severity", name, "");
  rule.title = field<std::string>(data, "title", name, "");
  rule.discussion = data.value("discussion", "");
  rule.check_text = field<std::string>(data, "check_text", name, "");
  rule.fix_text = field<std::string>(data, "fix_text", name, "");
  rule.kind = data.value("kind", "syscall_coverage");
  if (rule.kind == "status") {
    rule.status = field<json>(data, "status", name, "");
    return rule;
  }
  if (rule.kind != "syscall_coverage") throw InputError({name, 0, "/kind"}, "expected syscall_coverage or status");
  rule.literal_rules = field<std::vector<std::string>>(data, "literal_rules", name, "");
  rule.grep_word = data.value("grep_word", "");
  const auto& required = field<json>(data, "required", name, "");
  if (!required.is_array() || required.empty()) throw InputError({name, 0, "/required"}, "expected a non-empty array");
  for (std::size_t i = 0; i < required.size(); ++i)
    rule.required.push_back(parse_required(required[i], name, "/required/" + std::to_string(i)));
  return rule;
}

std::vector<StigRule> load_stig_rules(const std::filesystem::path& dir) {
  std::vector<StigRule> rules;
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    if (entry.path().extension() == ".json") rules.push_back(load_stig_rule(entry.path()));
  std::sort(rules.begin(), rules.end(), [](const auto& a, const auto& b) { return a.group_id < b.group_id; });
  return rules;
}

std::filesystem::path shipped_scenarios_dir() { return project_root() / "scenarios"; }

std::filesystem::path shipped_stig_dir() { return shipped_scenarios_dir() / "stig"; }

StigRule find_stig_rule(const std::string& group_id) {
  // A group id, never a path: the rule file stays inside the shipped directory.
  static const std::regex id("V-[0-9]+");
  if (!std::regex_match(group_id, id)) throw InputError({"--stig", 0, group_id}, "expected a STIG group id such as V-268096 (or all)");
  auto file = shipped_stig_dir() / (group_id + ".json");
  if (!std::filesystem::exists(file))
    throw InputError({"--stig", 0, group_id}, "unknown STIG rule (no " + file.string() + ")");
  return load_stig_rule(file);
}

}  // namespace auditvm::check
