// The audit rule model: what one line of a rules file (or of `auditctl -l`) means.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/arch.hpp"

namespace auditvm::rules {

inline constexpr std::uint32_t kUnsetId = 4294967295U;  // auid "unset" == -1 == 4294967295

enum class Op { eq, ne, lt, gt, le, ge, bitmask, bittest };  // = != < > <= >= & &=
std::string_view to_string(Op op);

enum class Action { always, never };
enum class List { exit, exclude, user, task, filesystem, io_uring };
std::string_view to_string(Action action);
std::string_view to_string(List list);

// `-F field op value`. Numeric values are held as the kernel holds them: a u32 (auid unset/-1 ->
// 4294967295, exit=-EACCES -> 4294967283).
struct FieldCondition {
  std::string field;
  Op op = Op::eq;
  std::string value;                    // as written (normalised for ids)
  std::optional<std::uint32_t> number;  // when the field is numeric
};

// `-C left op right`: compares two fields of the same event (e.g. uid!=euid).
struct FieldComparison {
  std::string left;
  Op op = Op::eq;
  std::string right;
};

struct SyscallRule {
  Action action = Action::always;
  List list = List::exit;
  bool prepend = false;             // -A: inserted at the head of its list
  std::optional<Abi> abi;           // from -F arch=b32|b64; none: numbers of the native ABI on every ABI
  bool abi_negated = false;         // -F arch!=: every other ABI, with the numbers of `abi` (auditctl resolves -S there)
  bool all_syscalls = false;        // -S all (or no -S on a syscall list)
  std::vector<int> syscalls;        // numbers in the ABI they were resolved in (sorted, unique)
  std::vector<FieldCondition> fields;  // excluding arch and key
  std::vector<FieldComparison> comparisons;
  std::vector<std::string> keys;
  // The fields as auditctl sends them, in order, values as the kernel holds them ("arch=b64",
  // "auid>=1000", "watch=/etc/passwd", "key=a"): the kernel compares two rules field by field.
  std::vector<std::string> sent_fields;
};

// `-w path -p perms -k key`: a file watch (kernel: a rule on the exit list with path/perm fields).
struct WatchRule {
  std::string path;
  std::string perms;  // subset of "rwxa", empty = all
  std::vector<std::string> keys;
  std::vector<std::string> sent_fields;  // as in SyscallRule
  // Read from `auditctl -l` alone: `-w PATH` there is also how an exit rule with only `-F path=PATH`
  // and `-F perm=` lists, and on a directory the two record different accesses (check/path_coverage).
  bool maybe_path_rule = false;
};

// `-d RULE` or `-W WATCH`: deletes the first loaded rule the kernel finds identical to the target.
struct Removal {
  std::variant<SyscallRule, WatchRule> target;
};

// `-D` (value: the key of `-D -k KEY`), `-b N`, `-f N`, `-r N`, `-e N`, `--backlog_wait_time N`,
// `--loginuid-immutable`, `--reset-lost`, `-i` and `-c` (ignore errors, continue past them).
struct ControlLine {
  std::string option;
  std::string value;
};

struct Rule {
  int line = 0;       // 1-based line in the source
  std::string text;   // the line as written
  std::variant<SyscallRule, WatchRule, ControlLine, Removal> body;
  // parse_listing: an arch-less rule whose -S names `auditctl -l` printed in this ABI's table (the
  // numbers are the native ABI's all the same).
  std::optional<Abi> listed_in;

  const SyscallRule* syscall_rule() const { return std::get_if<SyscallRule>(&body); }
  const WatchRule* watch_rule() const { return std::get_if<WatchRule>(&body); }
  const ControlLine* control() const { return std::get_if<ControlLine>(&body); }
  const Removal* removal() const { return std::get_if<Removal>(&body); }
};

// "line N", as messages name a rule.
inline std::string line_ref(const Rule& rule) { return "line " + std::to_string(rule.line); }

// A path as auditctl sends it and the kernel holds it: without its trailing slashes ("/" stays).
inline std::string without_trailing_slashes(std::string path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  return path;
}

struct RuleSet {
  std::string source;  // file name, for messages
  Arch arch = Arch::x86_64;
  std::vector<Rule> rules;
};

}  // namespace auditvm::rules
