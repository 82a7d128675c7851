#include <algorithm>
#include <set>

#include "check/stig.hpp"
#include "core/errors.hpp"
#include "core/json_file.hpp"
#include "core/write_file.hpp"
#include "rules/values.hpp"
#include "scenario/scenario.hpp"

namespace auditvm::scenario {
namespace {

using nlohmann::json;

// Reads JSON values with errors that name the file and the JSON path.
class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}

  [[noreturn]] void fail(const std::string& path, const std::string& message) const {
    throw InputError({file_, 0, path.empty() ? "/" : path}, message);
  }
  const json& member(const json& object, const std::string& path, const std::string& key) const {
    return json_member(object, key, {file_, 0, path});
  }
  std::string string(const json& object, const std::string& path, const std::string& key) const {
    return json_field<std::string>(object, key, {file_, 0, path});
  }
  std::string optional_string(const json& object, const std::string& path, const std::string& key) const {
    return json_field_or<std::string>(object, key, "", {file_, 0, path});
  }
  std::uint32_t id(const json& value, const std::string& path) const {
    if (!value.is_number_unsigned() || value.get<std::uint64_t>() > 4294967295ULL) fail(path, "expected an id (0..4294967295)");
    return value.get<std::uint32_t>();
  }
  const json& array(const json& object, const std::string& path, const std::string& key) const {
    const json& value = member(object, path, key);
    if (!value.is_array()) fail(path + "/" + key, "expected an array");
    return value;
  }
  const std::string& file() const { return file_; }

 private:
  std::string file_;
};

// An id the guest runner can give a caller: 4294967295 means "unchanged" to setresuid/setresgid
// and "unset" to the login uid.
std::uint32_t settable_id(const Reader& reader, const json& value, const std::string& path, const std::string& why) {
  std::uint32_t id = reader.id(value, path);
  if (id == 4294967295U) reader.fail(path, "expected an id (0..4294967294): 4294967295 is no value here, " + why);
  return id;
}

std::string verdict(const Reader& reader, const json& value, const std::string& path) {
  if (value != "NotAFinding" && value != "Open") reader.fail(path, "expected \"NotAFinding\" or \"Open\"");
  return value.get<std::string>();
}

std::map<std::string, std::string> verdicts(const Reader& reader, const json& value, const std::string& path) {
  if (!value.is_object()) reader.fail(path, "expected an object of STIG id -> verdict");
  std::map<std::string, std::string> out;
  for (const auto& [stig, v] : value.items()) out[stig] = verdict(reader, v, path + "/" + stig);
  return out;
}

Configuration load_configuration(const Reader& reader, const json& item, const std::string& path) {
  Configuration c;
  c.name = reader.string(item, path, "name");
  // The name becomes file names (checklist, audit log): nothing that could leave the report directory.
  if (!is_safe_file_name(c.name))
    reader.fail(path + "/name", "expected a name usable as a file name: letters, digits, '.', '_', '-', '@', not starting with '.', at most 100 characters");
  c.description = reader.optional_string(item, path, "description");
  c.nixos = reader.member(item, path, "nixos");
  // Which nixpkgs modules evaluate the fragment: current (default) or NixOS 24.11's.
  const std::string module = reader.optional_string(item, path, "module_version");
  if (!module.empty() && module != "current" && module != "24.11") reader.fail(path + "/module_version", "expected \"current\" or \"24.11\"");
  c.config = nixos::load_config(c.nixos, reader.file(), path + "/nixos", module == "24.11" ? nixos::ModuleVersion::nixos_24_11 : nixos::ModuleVersion::current);
  c.expect = verdicts(reader, reader.member(item, path, "expect"), path + "/expect");
  if (item.contains("expect_by_arch")) {
    const json& by_arch = item["expect_by_arch"];
    if (!by_arch.is_object()) reader.fail(path + "/expect_by_arch", "expected an object of arch -> {STIG id -> verdict}");
    for (const auto& [arch_name, value] : by_arch.items()) {
      auto arch = parse_arch(arch_name);
      if (!arch) reader.fail(path + "/expect_by_arch/" + arch_name, "unknown architecture");
      c.expect_by_arch[*arch] = verdicts(reader, value, path + "/expect_by_arch/" + arch_name);
    }
  }
  return c;
}

}  // namespace

std::string Configuration::expected_verdict(const std::string& stig, Arch arch) const {
  if (auto it = expect_by_arch.find(arch); it != expect_by_arch.end())
    if (auto v = it->second.find(stig); v != it->second.end()) return v->second;
  auto it = expect.find(stig);
  return it == expect.end() ? "" : it->second;
}

const Actor& Scenario::actor(const std::string& wanted) const {
  for (const auto& a : actors)
    if (a.name == wanted) return a;
  throw InputError({file.string(), 0, "/actors"}, "no actor named " + wanted);
}

namespace {

Scenario scenario_from_json(const json& data, const std::filesystem::path& path) {
  Reader reader(path.string());
  Scenario s;
  s.file = path;
  s.name = reader.string(data, "", "name");
  // One rule, or several judged in every cell (the first is the cell's own: its verdict heads the
  // cell; each other gets its verdict, witnesses and finding too).
  const json& stig = reader.member(data, "", "stig");
  if (stig.is_string()) {
    s.stigs = {stig.get<std::string>()};
  } else if (stig.is_array() && !stig.empty()) {
    for (std::size_t i = 0; i < stig.size(); ++i) {
      if (!stig[i].is_string()) reader.fail("/stig/" + std::to_string(i), "expected a STIG group id such as V-268096");
      if (std::find(s.stigs.begin(), s.stigs.end(), stig[i].get<std::string>()) != s.stigs.end())
        reader.fail("/stig/" + std::to_string(i), "this rule is named twice");
      s.stigs.push_back(stig[i].get<std::string>());
    }
  } else {
    reader.fail("/stig", "expected a STIG group id or a non-empty array of them");
  }
  for (std::size_t i = 0; i < s.stigs.size(); ++i) {
    // fail here, naming this file, not later; state checks are judged in every cell anyway
    auto rule = check::find_stig_rule(s.stigs[i], {path.string(), 0, stig.is_string() ? "/stig" : "/stig/" + std::to_string(i)});
    const auto at = stig.is_string() ? "/stig" : "/stig/" + std::to_string(i);
    if (rule.kind == "status") reader.fail(at, "not a syscall rule: its state check is judged in every cell");
    // A watch or path rule is judged from path witnesses of its own, never as the cell's own rule
    // (the scenario's actions are system calls).
    if (rule.kind == "path_coverage" && i == 0) reader.fail(at, "a watch/path rule: name a syscall rule first, the cell's own");
    if (rule.kind != "syscall_coverage" && rule.kind != "path_coverage") reader.fail(at, "not a rule auditvm judges in guests");
  }
  s.stig = s.stigs.front();
  s.description = reader.optional_string(data, "", "description");
  if (data.contains("arches")) {
    const json& arches = reader.array(data, "", "arches");
    for (std::size_t i = 0; i < arches.size(); ++i) {
      auto arch = arches[i].is_string() ? parse_arch(arches[i].get<std::string>()) : std::nullopt;
      if (!arch) reader.fail("/arches/" + std::to_string(i), "expected x86_64 or aarch64");
      s.arches.push_back(*arch);
    }
  } else {
    s.arches = all_arches();
  }

  const json& actors = reader.array(data, "", "actors");
  for (std::size_t i = 0; i < actors.size(); ++i) {
    std::string p = "/actors/" + std::to_string(i);
    Actor a;
    a.name = reader.string(actors[i], p, "name");
    const json& auid = reader.member(actors[i], p, "auid");
    if (auid != "unset") a.auid = settable_id(reader, auid, p + "/auid", "\"unset\" leaves the login uid unset");
    a.uid = settable_id(reader, reader.member(actors[i], p, "uid"), p + "/uid", "it cannot be set");
    a.gid = settable_id(reader, reader.member(actors[i], p, "gid"), p + "/gid", "it cannot be set");
    if (actors[i].contains("login")) {
      const json& login = actors[i]["login"];
      if (login == "self") a.login = check::LoginMode::self;
      else if (login != "inherited") reader.fail(p + "/login", "expected \"inherited\" or \"self\"");
    }
    s.actors.push_back(a);
  }

  static const std::set<std::string> calls{"init_module", "finit_module", "delete_module"};
  const json& groups = reader.array(data, "", "actions");
  for (std::size_t g = 0; g < groups.size(); ++g) {
    std::string p = "/actions/" + std::to_string(g);
    std::vector<Abi> abis;
    const json& abi_list = reader.array(groups[g], p, "abis");
    for (std::size_t i = 0; i < abi_list.size(); ++i) {
      auto abi = abi_list[i].is_string() ? parse_abi(abi_list[i].get<std::string>()) : std::nullopt;
      if (!abi) reader.fail(p + "/abis/" + std::to_string(i), "expected b32 or b64");
      abis.push_back(*abi);
    }
    const json& steps = reader.array(groups[g], p, "steps");
    const json& names = reader.array(groups[g], p, "actors");
    for (std::size_t a = 0; a < names.size(); ++a) {
      if (!names[a].is_string()) reader.fail(p + "/actors/" + std::to_string(a), "expected an actor name");
      std::string actor = names[a].get<std::string>();
      if (std::none_of(s.actors.begin(), s.actors.end(), [&](const Actor& x) { return x.name == actor; }))
        reader.fail(p + "/actors/" + std::to_string(a), "no actor named '" + actor + "'");
      for (Abi abi : abis) {
        for (std::size_t st = 0; st < steps.size(); ++st) {
          std::string sp = p + "/steps/" + std::to_string(st);
          Action action;
          action.index = static_cast<int>(s.actions.size());
          action.actor = actor;
          action.abi = abi;
          action.syscall = reader.string(steps[st], sp, "call");
          if (!calls.count(action.syscall)) reader.fail(sp + "/call", "expected init_module, finit_module or delete_module");
          action.expect = reader.string(steps[st], sp, "expect");
          if (action.expect != "success" && !rules::errno_from_name(action.expect))
            reader.fail(sp + "/expect", "expected \"success\" or an errno name such as EPERM");
          if (steps[st].contains("record")) {
            if (!steps[st]["record"].is_boolean()) reader.fail(sp + "/record", "expected true or false");
            action.pinned_record = steps[st]["record"].get<bool>();
          }
          s.actions.push_back(action);
        }
      }
    }
  }

  const json& configurations = reader.array(data, "", "configurations");
  std::set<std::string> seen;
  for (std::size_t i = 0; i < configurations.size(); ++i) {
    std::string p = "/configurations/" + std::to_string(i);
    s.configurations.push_back(load_configuration(reader, configurations[i], p));
    if (!seen.insert(s.configurations.back().name).second) reader.fail(p + "/name", "duplicate configuration name");
  }
  return s;
}

}  // namespace

Scenario load_scenario(const std::filesystem::path& path) {
  auto document = read_json_document(path, "scenario file");
  try {
    return scenario_from_json(document.value, path);
  } catch (const InputError& e) {
    throw document.lines.locate(e);  // the line of the JSON path the error names
  }
}

std::vector<std::filesystem::path> scenario_files(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    if (entry.is_regular_file() && entry.path().extension() == ".json") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace auditvm::scenario
