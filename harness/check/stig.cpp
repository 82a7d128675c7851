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

std::vector<Interval> parse_auids(const json& item, const std::string& file, const std::string& path) {
  std::vector<Interval> out;
  for (const auto& range : json_field<std::vector<std::vector<std::int64_t>>>(item, "auid", {file, 0, path})) {
    if (range.size() != 2 || range[0] > range[1] || range[0] < 0 || range[1] > 4294967295LL)
      throw InputError({file, 0, path + "/auid"}, "expected [low, high] pairs within 0..4294967295");
    out.push_back({range[0], range[1]});
  }
  return out;
}

void parse_outcome(const json& item, bool& successes, bool& failures, const std::string& file, const std::string& path) {
  std::string outcome = json_field_or<std::string>(item, "outcome", "any", {file, 0, path});
  if (outcome == "success") failures = false;
  else if (outcome == "failure") successes = false;
  else if (outcome != "any") throw InputError({file, 0, path + "/outcome"}, "expected any, success or failure");
}

RequiredEvents parse_required(const json& item, const std::string& file, const std::string& path) {
  RequiredEvents out;
  for (const auto& name : json_field<std::vector<std::string>>(item, "abis", {file, 0, path})) {
    auto abi = parse_abi(name);
    if (!abi) throw InputError({file, 0, path + "/abis"}, "unknown ABI '" + name + "' (expected b32 or b64)");
    out.abis.push_back(*abi);
  }
  out.syscalls = json_field<std::vector<std::string>>(item, "syscalls", {file, 0, path});
  // A name no table knows would be skipped as "not on this ABI" and the rule pass for nothing; one
  // some arch lacks (rename on aarch64) is real data.
  for (std::size_t i = 0; i < out.syscalls.size(); ++i) {
    bool known = false;
    for (Arch arch : all_arches())
      for (Abi abi : {Abi::b32, Abi::b64}) known |= rules::syscall_number(arch, abi, out.syscalls[i]).has_value();
    if (!known)
      throw InputError({file, 0, path + "/syscalls/" + std::to_string(i)}, "unknown system call '" + out.syscalls[i] + "' (on every arch and ABI)");
  }
  out.auids = parse_auids(item, file, path);
  parse_outcome(item, out.successes, out.failures, file, path);
  if (item.contains("ids")) {
    if (!item["ids"].is_object()) throw InputError({file, 0, path + "/ids"}, "expected an object of id ranges ({\"euid\": [0, 0]})");
    for (const auto& [name, range] : item["ids"].items()) {
      auto dim = dim_of_field(name);
      const std::string where = path + "/ids/" + name;
      if (!dim || *dim == Dim::auid || *dim == Dim::success || *dim == Dim::exit || *dim == Dim::msgtype)
        throw InputError({file, 0, where}, "'" + name + "' is not a caller's id (uid, euid, suid, fsuid, gid, egid, sgid, fsgid)");
      auto pair = json_field<std::vector<std::int64_t>>(item["ids"], name, {file, 0, where});
      if (pair.size() != 2 || pair[0] < 0 || pair[0] > pair[1] || pair[1] > 4294967295LL)
        throw InputError({file, 0, where}, "expected [low, high] within 0..4294967295");
      out.ids.push_back({*dim, {pair[0], pair[1]}});
    }
  }
  for (const auto& name : json_field_or<std::vector<std::string>>(item, "failure_errnos", {}, {file, 0, path})) {
    auto number = rules::errno_from_name(name);
    if (!number) throw InputError({file, 0, path + "/failure_errnos"}, "unknown errno '" + name + "'");
    out.failure_errnos.push_back(*number);
  }
  return out;
}

RequiredAccess parse_required_access(const json& item, const std::string& file, const std::string& path) {
  RequiredAccess out;
  out.paths = json_field<std::vector<std::string>>(item, "paths", {file, 0, path});
  if (out.paths.empty()) throw InputError({file, 0, path + "/paths"}, "expected a non-empty array");
  for (std::size_t i = 0; i < out.paths.size(); ++i)
    if (out.paths[i].empty() || out.paths[i][0] != '/' || out.paths[i].find("/../") != std::string::npos)
      throw InputError({file, 0, path + "/paths/" + std::to_string(i)}, "expected an absolute path");
  out.access = json_field<std::vector<std::string>>(item, "access", {file, 0, path});
  if (out.access.empty()) throw InputError({file, 0, path + "/access"}, "expected a non-empty array");
  for (std::size_t i = 0; i < out.access.size(); ++i)
    if (out.access[i] != "write" && out.access[i] != "attr" && out.access[i] != "read" && out.access[i] != "exec")
      throw InputError({file, 0, path + "/access/" + std::to_string(i)}, "expected write, attr, read or exec");
  out.auids = parse_auids(item, file, path);
  parse_outcome(item, out.successes, out.failures, file, path);
  return out;
}

// The published fields of a release, with the form DISA gives each, so a typo in an id is caught
// when the file is loaded. The group number must reappear in the rule id (V-268095 -> SV-268095r...).
const std::vector<std::string> kPublishedFields = {"rule_id", "stig_id", "srg_id", "ccis", "severity",
                                                   "title", "discussion", "check_text", "fix_text"};

bool listed(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

void expect_form(const std::string& value, const std::regex& form, const std::string& expected, const std::string& file,
                 const std::string& pointer) {
  if (!std::regex_match(value, form))
    throw InputError({file, 0, pointer}, "'" + value + "' is not of the form " + expected);
}

void check_published_value(const std::string& name, const json& value, const std::string& group_id, const std::string& file,
                           const std::string& pointer) {
  static const std::regex cci("CCI-[0-9]{6}"), stig_id("ANIX-00-[0-9]{6}"), srg_id("SRG-OS-[0-9]{6}-GPOS-[0-9]{5}"),
      severity("low|medium|high");
  if (name == "ccis") {
    if (!value.is_array()) throw InputError({file, 0, pointer}, "expected an array of CCI ids");
    for (std::size_t i = 0; i < value.size(); ++i) {
      const auto item = pointer + "/" + std::to_string(i);
      if (!value[i].is_string()) throw InputError({file, 0, item}, "has the wrong type");
      expect_form(value[i].get<std::string>(), cci, "CCI-000000", file, item);
    }
    return;
  }
  if (!value.is_string()) throw InputError({file, 0, pointer}, "has the wrong type");
  const auto text = value.get<std::string>();
  if (name == "rule_id") {
    const std::regex rule_id("S" + group_id + "r[0-9]+_rule");
    expect_form(text, rule_id, "S" + group_id + "r<revision>_rule", file, pointer);
  } else if (name == "stig_id") {
    expect_form(text, stig_id, "ANIX-00-000000", file, pointer);
  } else if (name == "srg_id") {
    expect_form(text, srg_id, "SRG-OS-000000-GPOS-00000", file, pointer);
  } else if (name == "severity") {
    expect_form(text, severity, "low, medium or high", file, pointer);
  }
}

// `unavailable` of an object at `path`: names of published fields, none of them given as well.
std::vector<std::string> parse_unavailable(const json& object, const std::string& file, const std::string& path) {
  auto names = object.contains("unavailable") ? json_field<std::vector<std::string>>(object, "unavailable", {file, 0, path})
                                              : std::vector<std::string>{};
  for (std::size_t i = 0; i < names.size(); ++i) {
    const InputLocation where{file, 0, path + "/unavailable/" + std::to_string(i)};
    if (!listed(kPublishedFields, names[i])) throw InputError(where, "'" + names[i] + "' is not a published field");
    if (object.contains(names[i])) throw InputError(where, "'" + names[i] + "' is given and also listed unavailable");
  }
  return names;
}

void check_release_name(const std::string& release, const std::string& file, const std::string& pointer) {
  static const std::regex form("V[0-9]+R[0-9]+");
  expect_form(release, form, "V<version>R<release>", file, pointer);
}

StigReleaseChanges parse_release_changes(const json& item, const std::string& group_id, const std::string& base_release,
                                         const std::string& file, const std::string& path) {
  StigReleaseChanges out;
  out.release = json_field<std::string>(item, "release", {file, 0, path});
  check_release_name(out.release, file, path + "/release");
  if (out.release == base_release) throw InputError({file, 0, path + "/release"}, "repeats the base release " + base_release);
  out.release_date = json_field<std::string>(item, "release_date", {file, 0, path});
  out.sources = json_field<std::vector<std::string>>(item, "source", {file, 0, path});
  out.unavailable = parse_unavailable(item, file, path);
  for (const auto& name : kPublishedFields) {
    if (!item.contains(name)) continue;
    check_published_value(name, item.at(name), group_id, file, path + "/" + name);
    if (name == "ccis") {
      out.ccis = json_field<std::vector<std::string>>(item, name, {file, 0, path});
      continue;
    }
    auto text = json_field<std::string>(item, name, {file, 0, path});
    if (name == "rule_id") out.rule_id = text;
    else if (name == "stig_id") out.stig_id = text;
    else if (name == "srg_id") out.srg_id = text;
    else if (name == "severity") out.severity = text;
    else if (name == "title") out.title = text;
    else if (name == "discussion") out.discussion = text;
    else if (name == "check_text") out.check_text = text;
    else if (name == "fix_text") out.fix_text = text;
  }
  return out;
}

// The release, sources, CCIs and later releases of a STIG rule file; every published field is
// either given or listed in "unavailable", never silently missing.
void parse_publication(const json& data, StigRule& rule, const std::string& file) {
  static const std::regex group_id("V-[0-9]+");
  expect_form(rule.group_id, group_id, "V-000000", file, "/group_id");
  rule.release = json_field<std::string>(data, "release", {file, 0, ""});
  check_release_name(rule.release, file, "/release");
  rule.release_date = json_field<std::string>(data, "release_date", {file, 0, ""});
  rule.sources = json_field<std::vector<std::string>>(data, "source", {file, 0, ""});
  if (rule.sources.empty()) throw InputError({file, 0, "/source"}, "names no rendering the published fields come from");
  rule.unavailable = parse_unavailable(data, file, "");
  for (const auto& name : kPublishedFields) {
    if (data.contains(name)) check_published_value(name, data.at(name), rule.group_id, file, "/" + name);
    else if (!listed(rule.unavailable, name))
      throw InputError({file, 0, "/" + name}, "missing field (list it in \"unavailable\" if no published rendering gives it)");
  }
  if (data.contains("ccis")) rule.ccis = json_field<std::vector<std::string>>(data, "ccis", {file, 0, ""});
  const auto later = json_field_or<std::vector<json>>(data, "later_releases", {}, {file, 0, ""});
  for (std::size_t i = 0; i < later.size(); ++i)
    rule.later_releases.push_back(
        parse_release_changes(later[i], rule.group_id, rule.release, file, "/later_releases/" + std::to_string(i)));
}

StigRule stig_rule_from_json(const json& data, const std::filesystem::path& file) {
  const std::string name = file.string();
  StigRule rule;
  rule.source = file;
  rule.group_id = json_field<std::string>(data, "group_id", {name, 0, ""});
  parse_publication(data, rule, name);
  // Published fields a rendering did not give stay empty (parse_publication checked they are listed).
  auto published = [&](const char* key) { return data.contains(key) ? json_field<std::string>(data, key, {name, 0, ""}) : ""; };
  rule.rule_id = published("rule_id");
  rule.stig_id = published("stig_id");
  rule.srg_id = published("srg_id");
  rule.severity = published("severity");
  rule.title = published("title");
  rule.discussion = published("discussion");
  rule.check_text = published("check_text");
  rule.fix_text = published("fix_text");
  rule.kind = json_field_or<std::string>(data, "kind", "syscall_coverage", {name, 0, ""});
  if (rule.kind == "status") {
    rule.status = json_field<json>(data, "status", {name, 0, ""});
    return rule;
  }
  if (rule.kind != "syscall_coverage" && rule.kind != "path_coverage")
    throw InputError({name, 0, "/kind"}, "expected syscall_coverage, path_coverage or status");
  rule.literal_rules = json_field<std::vector<std::string>>(data, "literal_rules", {name, 0, ""});
  rule.grep_word = json_field_or<std::string>(data, "grep_word", "", {name, 0, ""});
  const auto& required = json_field<json>(data, "required", {name, 0, ""});
  if (!required.is_array() || required.empty()) throw InputError({name, 0, "/required"}, "expected a non-empty array");
  for (std::size_t i = 0; i < required.size(); ++i) {
    const auto at = "/required/" + std::to_string(i);
    if (rule.kind == "path_coverage") rule.required_access.push_back(parse_required_access(required[i], name, at));
    else rule.required.push_back(parse_required(required[i], name, at));
  }
  return rule;
}

}  // namespace

StigRule load_stig_rule(const std::filesystem::path& file) {
  auto document = read_json_document(file, "STIG rule file");
  try {
    return stig_rule_from_json(document.value, file);
  } catch (const InputError& e) {
    throw document.lines.locate(e);  // the line of the JSON path the error names
  }
}

std::vector<StigRule> load_stig_rules(const std::filesystem::path& dir) {
  std::vector<StigRule> rules;
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    if (entry.path().extension() == ".json") rules.push_back(load_stig_rule(entry.path()));
  std::sort(rules.begin(), rules.end(), [](const auto& a, const auto& b) { return a.group_id < b.group_id; });
  return rules;
}

StigRule in_release(const StigRule& rule, const std::string& release) {
  if (release == rule.release) return rule;
  auto changes = std::find_if(rule.later_releases.begin(), rule.later_releases.end(),
                              [&](const StigReleaseChanges& c) { return c.release == release; });
  if (changes == rule.later_releases.end())
    throw InputError({rule.source.string(), 0, "/later_releases"}, "no release " + release + " of " + rule.group_id);
  StigRule out = rule;
  out.release = changes->release;
  out.release_date = changes->release_date;
  out.sources = changes->sources;
  out.unavailable = changes->unavailable;
  auto apply = [](std::string& target, const std::optional<std::string>& value) { if (value) target = *value; };
  apply(out.rule_id, changes->rule_id);
  apply(out.stig_id, changes->stig_id);
  apply(out.srg_id, changes->srg_id);
  apply(out.severity, changes->severity);
  apply(out.title, changes->title);
  apply(out.discussion, changes->discussion);
  apply(out.check_text, changes->check_text);
  apply(out.fix_text, changes->fix_text);
  if (changes->ccis) out.ccis = *changes->ccis;
  // What the release does not publish (as far as we could transcribe) is not carried over from the base.
  for (const auto& name : out.unavailable) {
    if (name == "ccis") out.ccis.clear();
    else if (name == "rule_id") out.rule_id.clear();
    else if (name == "stig_id") out.stig_id.clear();
    else if (name == "srg_id") out.srg_id.clear();
    else if (name == "severity") out.severity.clear();
    else if (name == "title") out.title.clear();
    else if (name == "discussion") out.discussion.clear();
    else if (name == "check_text") out.check_text.clear();
    else if (name == "fix_text") out.fix_text.clear();
  }
  out.later_releases.clear();
  return out;
}

std::filesystem::path shipped_scenarios_dir() { return project_root() / "scenarios"; }

std::filesystem::path shipped_stig_dir() { return shipped_scenarios_dir() / "stig"; }

StigRule find_stig_rule(const std::string& group_id, const InputLocation& named_at) {
  // A group id, never a path: the rule file stays inside the shipped directory.
  static const std::regex id("V-[0-9]+");
  if (!std::regex_match(group_id, id)) throw InputError({named_at.file, named_at.line, named_at.field.empty() ? group_id : named_at.field}, "expected a STIG group id such as V-268096 (or all)");
  auto file = shipped_stig_dir() / (group_id + ".json");
  if (!std::filesystem::exists(file))
    throw InputError({named_at.file, named_at.line, named_at.field.empty() ? group_id : named_at.field},
                     "unknown STIG rule '" + group_id + "' (no " + file.string() + ")");
  return load_stig_rule(file);
}

std::vector<StigRule> coverage_rules_for(const std::string& stig_option) {
  std::vector<StigRule> out;
  if (stig_option == "all") {
    for (auto& rule : load_stig_rules(shipped_stig_dir()))
      if (rule.kind != "status") out.push_back(std::move(rule));
    return out;
  }
  out.push_back(find_stig_rule(stig_option));
  if (out.back().kind == "status")
    throw InputError({"--stig", 0, stig_option}, "is a status check: it needs a guest (auditvm run / reproduce)");
  return out;
}

}  // namespace auditvm::check
