#include "rules/parser.hpp"

#include <algorithm>
#include <cctype>
#include <optional>

#include "core/arch_table.hpp"
#include "core/errors.hpp"
#include "rules/syscall_table.hpp"
#include "rules/values.hpp"

namespace auditvm::rules {
namespace {

// Words of a line, honouring double quotes (auditctl -l quotes keys and paths with spaces).
std::vector<std::string> split_words(std::string_view line) {
  std::vector<std::string> words;
  std::string current;
  bool in_quotes = false, have_word = false;
  for (char c : line) {
    if (c == '"') {
      in_quotes = !in_quotes;
      have_word = true;
    } else if (!in_quotes && std::isspace(static_cast<unsigned char>(c))) {
      if (have_word) words.push_back(current);
      current.clear();
      have_word = false;
    } else {
      current += c;
      have_word = true;
    }
  }
  if (have_word) words.push_back(current);
  return words;
}

struct SplitCondition {
  std::string left;
  Op op;
  std::string right;
};

std::optional<SplitCondition> split_condition(const std::string& text) {
  auto at = text.find_first_of("!=<>&");
  if (at == std::string::npos || at == 0) return std::nullopt;
  static const std::pair<std::string_view, Op> ops[] = {{"!=", Op::ne}, {"<=", Op::le}, {">=", Op::ge},
                                                        {"&=", Op::bittest}, {"=", Op::eq}, {"<", Op::lt},
                                                        {">", Op::gt}, {"&", Op::bitmask}};
  std::string_view rest = std::string_view(text).substr(at);
  for (auto [spelling, op] : ops)
    if (rest.substr(0, spelling.size()) == spelling)
      return SplitCondition{text.substr(0, at), op, std::string(rest.substr(spelling.size()))};
  return std::nullopt;
}

// Parses one line. Holds the state auditctl keeps while reading a rule's options.
class LineParser {
 public:
  LineParser(std::string_view line, Arch arch, const std::string& source, int number, Dialect dialect)
      : words_(split_words(line)), arch_(arch), source_(source), number_(number), dialect_(dialect) {
    rule_.line = number;
    rule_.text = std::string(line);
  }

  Rule parse() {
    for (pos_ = 0; pos_ < words_.size(); ++pos_) option(words_[pos_]);
    return finish();
  }

 private:
  [[noreturn]] void fail(const std::string& token, const std::string& message) const {
    throw InputError({source_, number_, token}, message);
  }

  const std::string& argument(const std::string& option) {
    if (pos_ + 1 >= words_.size()) fail(option, "option " + option + " needs an argument");
    return words_[++pos_];
  }

  void option(const std::string& word) {
    if (word == "-a" || word == "-A") return list_action(word, argument(word));
    if (word == "-S") return syscalls(argument(word));
    if (word == "-F") return field(argument(word));
    if (word == "-C") return comparison(argument(word));
    if (word == "-k") return keys_.push_back(argument(word));
    if (word == "-w") return watch_path(argument(word));
    if (word == "-p") return perms(argument(word));
    if (word == "-D" || word == "--loginuid-immutable" || word == "--reset-lost")
      return control(word, "");
    if (word == "-b" || word == "-f" || word == "-r" || word == "-e" || word == "--backlog_wait_time")
      return control(word, argument(word));
    fail(word, "unknown or unsupported option '" + word + "'");
  }

  void list_action(const std::string& option, const std::string& value) {
    if (kind_ != Kind::none) fail(option, "a rule has only one -a/-A/-w");
    kind_ = Kind::syscall;
    syscall_.prepend = option == "-A";
    auto comma = value.find(',');
    if (comma == std::string::npos) fail(value, "expected list,action or action,list in '" + value + "'");
    std::string first = value.substr(0, comma), second = value.substr(comma + 1);
    auto action = parse_action(first);
    auto list = parse_list(second);
    if (!action || !list) {
      action = parse_action(second);
      list = parse_list(first);
    }
    if (!action) fail(value, "unknown action in '" + value + "' (expected always or never)");
    if (!list) fail(value, "unknown list in '" + value + "' (expected exit, exclude, user, task, filesystem)");
    syscall_.action = *action;
    syscall_.list = *list;
  }

  static std::optional<Action> parse_action(const std::string& word) {
    if (word == "always") return Action::always;
    if (word == "never") return Action::never;
    return std::nullopt;
  }

  static std::optional<List> parse_list(const std::string& word) {
    if (word == "exit") return List::exit;
    if (word == "exclude") return List::exclude;
    if (word == "user") return List::user;
    if (word == "task") return List::task;
    if (word == "filesystem") return List::filesystem;
    if (word == "io_uring") return List::io_uring;
    return std::nullopt;
  }

  Abi current_abi() const { return syscall_.abi.value_or(Abi::b64); }

  void syscalls(const std::string& value) {
    saw_syscall_ = true;
    size_t start = 0;
    while (start <= value.size()) {
      size_t end = value.find(',', start);
      std::string name = value.substr(start, end == std::string::npos ? std::string::npos : end - start);
      add_syscall(name);
      if (end == std::string::npos) break;
      start = end + 1;
    }
  }

  void add_syscall(const std::string& name) {
    if (name == "all") {
      syscall_.all_syscalls = true;
      return;
    }
    auto number = syscall_number(arch_, current_abi(), name);
    if (!number && !name.empty() && std::isdigit(static_cast<unsigned char>(name[0]))) number = syscall_by_number(name);
    if (!number) fail(name, "Syscall name unknown: " + name);
    syscall_.syscalls.push_back(*number);
  }

  // auditctl takes a number for a syscall it has no name for, if its rule bitmask (64 words of
  // 32 bits) has room for it.
  static std::optional<int> syscall_by_number(const std::string& text) {
    constexpr unsigned long kBitmaskBits = 64 * 32;
    if (!std::all_of(text.begin(), text.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) return std::nullopt;
    if (text.size() > 4 || std::stoul(text) >= kBitmaskBits) return std::nullopt;
    return static_cast<int>(std::stoul(text));
  }

  void field(const std::string& text) {
    auto condition = split_condition(text);
    if (!condition) fail(text, "-F missing or unknown operation in '" + text + "'");
    auto& [name, op, value] = *condition;
    if (!is_known_field(name)) fail(name, "Unknown field: " + name);
    if (name == "arch") return arch_field(text, op, value);
    if (name == "key") return keys_.push_back(value);
    if (name == "perm") return perms(value);
    auto parsed = parse_field_value(name, op, value, dialect_);
    if (!parsed.error.empty()) fail(text, parsed.error);
    FieldCondition out{name, op, value, parsed.number};
    if (is_id_field(name) && out.number == kUnsetId) out.value = "-1";
    syscall_.fields.push_back(out);
  }

  void arch_field(const std::string& text, Op op, const std::string& value) {
    // Measured: auditctl and the kernel take arch= and arch!= (README, "Kernel semantics, as measured").
    if (op != Op::eq && op != Op::ne) fail(text, "arch only takes = or != operators");
    syscall_.abi_negated = op == Op::ne;
    if (saw_syscall_) fail(text, "-F arch must be given before -S");
    if (value == "b64") {
      syscall_.abi = Abi::b64;
    } else if (value == "b32") {
      syscall_.abi = Abi::b32;
    } else if (value == audit_machine_name(arch_, Abi::b64)) {
      syscall_.abi = Abi::b64;
    } else if (const auto& aliases = arch_info(arch_).b32_machine_aliases;
               value == audit_machine_name(arch_, Abi::b32) || std::find(aliases.begin(), aliases.end(), value) != aliases.end()) {
      syscall_.abi = Abi::b32;
    } else {
      fail(text, "arch '" + value + "' is not an ABI of " + std::string(to_string(arch_)));
    }
  }

  void comparison(const std::string& text) {
    auto condition = split_condition(text);
    if (!condition || (condition->op != Op::eq && condition->op != Op::ne))
      fail(text, "-C needs field=field or field!=field");
    for (const auto& name : {condition->left, condition->right})
      if (!is_known_field(name)) fail(name, "Unknown field: " + name);
    syscall_.comparisons.push_back({condition->left, condition->op, condition->right});
  }

  void watch_path(const std::string& path) {
    if (kind_ != Kind::none) fail("-w", "a rule has only one -a/-A/-w");
    if (path.empty() || path[0] != '/') fail(path, "watch path must be absolute");
    kind_ = Kind::watch;
    watch_.path = path;
  }

  void perms(const std::string& value) {
    if (value.empty() || value.find_first_not_of("rwxa") != std::string::npos)
      fail(value, "permissions must be a combination of r, w, x and a");
    watch_.perms = value;
  }

  void control(const std::string& option, const std::string& value) {
    if (kind_ != Kind::none) fail(option, "control options cannot be combined with a rule");
    if (auto error = control_value_error(option, value); !error.empty()) fail(value, error);
    kind_ = Kind::control;
    control_ = {option, value};
  }

  Rule finish() {
    switch (kind_) {
      case Kind::none:
        fail(words_.empty() ? "" : words_[0], "not a rule: expected -a, -w or a control option");
      case Kind::control:
        rule_.body = control_;
        return rule_;
      case Kind::watch:
        watch_.keys = keys_;
        rule_.body = watch_;
        return rule_;
      case Kind::syscall:
        break;
    }
    if (!watch_.perms.empty()) syscall_.fields.push_back({"perm", Op::eq, watch_.perms, std::nullopt});
    check_list_fields();
    if (syscall_.list == List::exit && !saw_syscall_) syscall_.all_syscalls = true;
    std::sort(syscall_.syscalls.begin(), syscall_.syscalls.end());
    syscall_.syscalls.erase(std::unique(syscall_.syscalls.begin(), syscall_.syscalls.end()), syscall_.syscalls.end());
    syscall_.keys = keys_;
    rule_.body = syscall_;
    return rule_;
  }

  // What auditctl refuses on each list, in its words (measured with auditctl 3.0.9 and 4.0.2:
  // README, "Kernel semantics, as measured").
  void check_list_fields() {
    const List list = syscall_.list;
    if (list == List::task && saw_syscall_) fail("-S", "Error: syscall auditing being added to task list");
    if (list == List::exclude && saw_syscall_) fail("-S", "Error: syscall auditing cannot be put on exclude list");
    if (list == List::task && !keys_.empty()) fail("-k", "key option needs a watch or syscall given prior to it");
    if ((list == List::task || list == List::exclude) && !syscall_.comparisons.empty())
      fail("-C", syscall_.comparisons.front().left + " can only be used with exit filter list");
    static const std::vector<std::string> exit_only{"exit", "success", "ppid", "path", "dir", "perm", "filetype", "inode", "devmajor", "devminor"};
    for (const auto& field : syscall_.fields) {
      const std::string& name = field.field;
      const std::string text = name + std::string(to_string(field.op)) + field.value;
      if (name == "msgtype" && list != List::exclude && list != List::user)
        fail(text, "msgtype field can only be used with exclude or user filter list");
      if (list == List::task && std::find(exit_only.begin(), exit_only.end(), name) != exit_only.end())
        fail(text, name + " can only be used with exit filter list");
      if (list == List::task && name == "sessionid") fail(text, "sessionid must be used with exclude, user, or exit filter");
      const bool exclude_field = name == "msgtype" || name == "uid" || name == "gid" || name == "auid" || name == "loginuid" ||
                                 name == "pid" || name == "exe" || name.rfind("subj_", 0) == 0;
      if (list == List::exclude && !exclude_field) fail(text, "Only msgtype, *uid, *gid, pid, and subj* fields can be used with exclude filter");
    }
  }

  enum class Kind { none, syscall, watch, control };
  std::vector<std::string> words_;
  Arch arch_;
  const std::string& source_;
  int number_;
  Dialect dialect_;
  size_t pos_ = 0;
  Kind kind_ = Kind::none;
  bool saw_syscall_ = false;
  Rule rule_;
  SyscallRule syscall_;
  WatchRule watch_;
  ControlLine control_;
  std::vector<std::string> keys_;
};

std::string trim(std::string_view text) {
  size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return {};
  size_t end = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(begin, end - begin + 1));
}

}  // namespace

std::vector<NumberedLine> numbered_lines(std::string_view text) {
  std::vector<NumberedLine> lines;
  int number = 0;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    lines.push_back({++number, trim(text.substr(start, end - start))});
    start = end + 1;
  }
  return lines;
}

std::vector<NumberedLine> rule_lines(std::string_view text) {
  std::vector<NumberedLine> rules;
  for (auto& line : numbered_lines(text))
    if (!line.text.empty() && line.text[0] != '#' && line.text != "No rules") rules.push_back(std::move(line));
  return rules;
}

Rule parse_rule_line(std::string_view line, Arch arch, const std::string& source, int line_number, Dialect dialect) {
  if (auto nul = line.find('\0'); nul != std::string_view::npos) {
    // Name the word that holds it, with the NUL spelt out (a raw one would cut the message short).
    size_t begin = line.find_last_of(" \t", nul);
    begin = begin == std::string_view::npos ? 0 : begin + 1;
    std::string word;
    for (char c : line.substr(begin, line.find_first_of(" \t", nul) - begin)) word += c == '\0' ? std::string("\\0") : std::string(1, c);
    throw InputError({source, line_number, word}, "a NUL byte inside a rule (auditctl would cut the line there)");
  }
  return LineParser(line, arch, source, line_number, dialect).parse();
}

RuleSet parse_rules(std::string_view text, Arch arch, const std::string& source) {
  RuleSet set{source, arch, {}};
  for (const auto& [number, line] : rule_lines(text))
    set.rules.push_back(parse_rule_line(line, arch, source, number));
  return set;
}

}  // namespace auditvm::rules
