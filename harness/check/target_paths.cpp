#include "check/target_paths.hpp"

#include <algorithm>

#include "check/load_simulation.hpp"
#include "core/errors.hpp"
#include "core/text.hpp"

namespace auditvm::check {

namespace {

constexpr std::pair<PathState, std::string_view> kNames[] = {
    {PathState::directory, "directory"}, {PathState::other, "other"}, {PathState::missing, "missing"}, {PathState::blocked, "blocked"},
    {PathState::dangling, "dangling"}};

// The directory the kernel looks the last component up in: auditctl trims a watch's trailing
// slashes before it sends it; "/x" is in "/".
std::string parent_of(const std::string& watched) {
  const std::string path = rules::without_trailing_slashes(watched);
  auto slash = path.find_last_of('/');
  if (slash == std::string::npos || slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace

std::string_view to_string(PathState state) {
  for (const auto& [s, name] : kNames)
    if (s == state) return name;
  return "?";
}

std::optional<PathState> parse_path_state(std::string_view name) {
  for (const auto& [s, n] : kNames)
    if (n == name) return s;
  return std::nullopt;
}

std::optional<PathState> TargetPaths::state(const std::string& path) const {
  auto found = states.find(path);
  if (found == states.end()) return std::nullopt;
  return found->second;
}

std::vector<PathNeed> path_needs(const rules::Rule& rule) {
  std::vector<PathNeed> needs;
  if (const auto* watch = rule.watch_rule()) needs.push_back({"-w " + watch->path, parent_of(watch->path), false, false});
  bool exe_seen = false;  // the kernel refuses a second exe= before looking it up
  if (const auto* syscall = rule.syscall_rule())
    for (const auto& field : syscall->fields) {
      const std::string option = "-F " + field.field + std::string(rules::to_string(field.op)) + field.value;
      // path!= and dir!= the kernel refuses before it looks anything up; exe!= is looked up too.
      if (field.field == "path" && field.op == rules::Op::eq) needs.push_back({option, parent_of(field.value), false, false});
      if (field.field == "dir" && field.op == rules::Op::eq) needs.push_back({option, field.value, true, false});
      if (field.field == "exe" && !exe_seen) needs.push_back({option, parent_of(field.value), false, true});
      exe_seen = exe_seen || field.field == "exe";
    }
  return needs;
}

std::vector<PathNeed> exe_needs_before(std::string_view line, const std::string& token) {
  const auto words = auditvm::words(line);
  // A second key is refused where it is read: a second key!= (or <, ...) where it stands, else the
  // keys -k and key= gather, sent last (the parser names it "key" either way).
  int positional_keys = 0;
  for (std::size_t i = 0; i < words.size() && words[i] != token; ++i) {
    if (words[i] != "-F" || i + 1 >= words.size()) continue;
    const std::string& field = words[i + 1];
    if (token == "key" && field.rfind("key", 0) == 0 && field.rfind("key=", 0) != 0 && ++positional_keys == 2) return {};
    for (const char* prefix : {"exe=", "exe!="})
      if (field.rfind(prefix, 0) == 0 && field != token) return {{"-F " + field, parent_of(field.substr(std::string(prefix).size())), false, true}};
  }
  return {};
}

std::optional<std::string> path_refusal(const PathNeed& need, const TargetPaths& target) {
  auto state = target.state(need.path);
  if (!state) return std::nullopt;
  const std::string request = "Error sending add rule data request ";
  switch (*state) {
    case PathState::directory: return "";
    case PathState::other: return need.itself ? "" : request + "(Not a directory)";
    case PathState::missing: return request + "(No such file or directory)";
    case PathState::blocked: return request + "(Not a directory)";
    case PathState::dangling: return need.itself ? "" : request + "(No such file or directory)";
  }
  return std::nullopt;
}

std::vector<std::string> paths_to_probe(std::string_view rules_text, Arch arch, rules::Userspace userspace) {
  std::vector<std::string> paths;
  for (const auto& line : auditctl_file_lines(rules_text)) {
    try {
      auto rule = rules::parse_rule_line(line.text, arch, "rules", line.number, rules::Dialect::auditctl, userspace);
      for (const auto& need : path_needs(rule))
        if (std::find(paths.begin(), paths.end(), need.path) == paths.end()) paths.push_back(need.path);
    } catch (const InputError& e) {
      // auditctl refuses the line itself: the kernel never sees its paths; a field the kernel
      // refuses comes after an exe= it has looked up.
      if (e.detail().rfind("Error sending ", 0) == 0)
        for (const auto& need : exe_needs_before(line.text, e.where().field))
          if (std::find(paths.begin(), paths.end(), need.path) == paths.end()) paths.push_back(need.path);
    }
  }
  return paths;
}

}  // namespace auditvm::check
