// What the kernel does with a syscall event, given the loaded rules: the task list may switch
// auditing off for a task, the exit list's first matching rule decides (always records, never
// suppresses), then the exclude list may drop the SYSCALL record. Works on whole regions of
// events at once, so the same walk answers "is this one call recorded" and "is every required
// call recorded".
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
std::vector<Outcome> follow(const LoadedLists& lists, Arch arch, Abi abi, int syscall, const Box& region);

// audit_comparator (kernel/auditfilter.c): how the kernel compares a field with a rule's value.
bool audit_comparator(std::uint32_t left, rules::Op op, std::uint32_t right);

// The set of events a rule's field conditions select, or why the model cannot decide it.
struct RuleRegion {
  Region region;
  std::string undecidable;  // empty when decidable; else which field/condition
};
RuleRegion rule_region(const rules::SyscallRule& rule);

}  // namespace auditvm::check
