// What the kernel does with a syscall event, given the loaded rules: the task list, judged at fork,
// may switch auditing off for a task (never) or record every syscall of it (always); else the exit
// list's first matching rule decides (always records, never suppresses); then any matching exclude
// rule drops the SYSCALL record, and with it the event. Works on whole regions of events at once,
// so the same walk answers "is this one call recorded" and "is every required call recorded".
// The facts behind each step were measured in guests: README, "Kernel semantics, as measured".
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "check/event_space.hpp"
#include "core/arch.hpp"
#include "rules/rule.hpp"

namespace auditvm::check {

enum class Fate { recorded, suppressed, no_rule, undecidable };
std::string_view to_string(Fate fate);

// A part of the event space and what happens to it.
struct Outcome {
  Box box;
  Fate fate = Fate::no_rule;
  int rule_line = 0;        // the rule that decided (0: none)
  std::string key;          // key of the recording rule
  std::string reason;       // human-readable, e.g. "suppressed by never rule on line 3"
};

// The rules in the order the kernel evaluates them, per filter list (after -D and -A).
struct LoadedLists {
  std::vector<const rules::Rule*> task;
  std::vector<const rules::Rule*> exit;
  std::vector<const rules::Rule*> exclude;
  bool auditing_disabled = false;  // the last -e was 0
};
LoadedLists arrange(const rules::RuleSet& rules);

// Follows `region` of events of one syscall (number `syscall` of `abi`) through the lists.
// `forked_as`: the ids the task list judged the calling process by, those it had at fork; none:
// its ids at the call (it was forked after they were set).
std::vector<Outcome> follow(const LoadedLists& lists, Arch arch, Abi abi, int syscall, const Box& region,
                            const std::optional<Box>& forked_as = std::nullopt);

// The ids of a process forked by root before any login uid was set (the one that then sets its
// own, as pam_loginuid does): auid unset, every uid and gid 0.
Box forked_before_login();

// audit_comparator (kernel/auditfilter.c): how the kernel compares a field with a rule's value.
bool audit_comparator(std::uint32_t left, rules::Op op, std::uint32_t right);

// The set of events a rule's -F conditions select on its own list, or why the model cannot decide
// it. (-C comparisons are applied per box by follow: they are decided where the ids' ranges allow.)
struct RuleRegion {
  Region region;
  std::string undecidable;  // empty when decidable; else which field/condition
};
RuleRegion rule_region(const rules::SyscallRule& rule);

// A box split by a rule's -C comparisons: where all hold, where one fails, where the model cannot
// tell (neither id pinned and their ranges meet, or a field the model does not have).
struct ComparisonSplit {
  std::vector<Box> hold, fail, unknown;
  std::string unknown_reason;
};
ComparisonSplit split_by_comparisons(const Box& box, const std::vector<rules::FieldComparison>& comparisons);

}  // namespace auditvm::check
