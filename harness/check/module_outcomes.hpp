// Data about the module system calls: every outcome the guest runner (guest/modhelper) can give
// a call, and the mechanics that give it. One table serves both the witness chooser (which
// outcomes exist: module_call_outcome_feasible) and the harness (how to make one: call_for).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "check/coverage.hpp"

namespace auditvm::check {

// The state the runner (root, login uid unset) puts the module in before the call.
enum class ModuleBefore { as_is, loaded, unloaded };
// What the caller's effective set holds of CAP_SYS_MODULE: what its ids give, kept whatever the
// euid (PR_SET_KEEPCAPS, then capset), or dropped even for root.
enum class Capability { natural, keep, drop };
// The call's arguments: valid, or wrong in the way that gives one failure.
enum class Argument { valid, bad_fd, bad_flags, bad_pointer, not_elf };
std::string_view to_string(ModuleBefore before);
std::string_view to_string(Capability capability);
std::string_view to_string(Argument argument);

struct ModuleOutcome {
  std::string_view syscall;
  int error_number = 0;  // 0: success (module calls return 0)
  ModuleBefore before = ModuleBefore::as_is;
  Capability capability = Capability::natural;
  Argument argument = Argument::valid;
};

// Every (syscall, outcome) the runner can produce, with its mechanics.
std::span<const ModuleOutcome> module_outcomes();
// The row for an event's (syscall, success, exit), or nullptr when the runner cannot produce it.
const ModuleOutcome* module_outcome(const Event& event);

}  // namespace auditvm::check
