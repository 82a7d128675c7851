// Data about the system calls the guest runner (guest/modhelper) makes: every outcome it can give
// a call, and the mechanics that give it. One table serves both the witness chooser (which
// outcomes exist: call_outcome_feasible) and the harness (how to make one: call_for). Module
// calls (V-268096) and the file calls the STIG's other syscall rules name (V-268094, 095, 098,
// 099, 100, 163) share it.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "check/coverage.hpp"

namespace auditvm::check {

// The state the runner (root, login uid unset) puts the module in before the call. File calls
// take as_is: the runner makes their fixtures afresh before each one.
enum class ModuleBefore { as_is, loaded, unloaded };
// The caller's effective capabilities: what its ids give; exactly CAP_SYS_MODULE, CAP_SYS_ADMIN
// and CAP_DAC_READ_SEARCH whatever the euid (PR_SET_KEEPCAPS, then capset: nothing that bypasses
// file modes or ownership); or none, even for root.
enum class Capability { natural, keep, drop };
// The call's arguments. Module calls: valid, or wrong in the way that gives one failure. File
// calls: valid (a fixture it succeeds on), denied (a path under a directory the caller cannot
// search; for fd and handle calls a file it cannot write: EACCES), not_owner (another user's
// file, in a sticky directory for rename/unlink/rmdir: EPERM), append_only (EPERM), noatime
// (O_NOATIME on another user's file: EPERM).
enum class Argument { valid, bad_fd, bad_flags, bad_pointer, not_elf, denied, not_owner, append_only, noatime };
std::string_view to_string(ModuleBefore before);
std::string_view to_string(Capability capability);
std::string_view to_string(Argument argument);

struct CallOutcome {
  std::string_view syscall;
  int error_number = 0;  // 0: success
  ModuleBefore before = ModuleBefore::as_is;
  Capability capability = Capability::natural;
  Argument argument = Argument::valid;
};

// Every (syscall, outcome) the runner can produce, with its mechanics.
std::span<const CallOutcome> call_outcomes();
// The row for an event's (syscall, success, exit), or nullptr when the runner cannot produce it.
const CallOutcome* call_outcome(const Event& event);
// The descriptor the runner's opening calls (open, creat, openat, open_by_handle_at) return: it
// fills every lower free descriptor first (guest/modhelper, OPENED_FD), so the exit the kernel
// records for them is known before the call, and `-F exit=`/`success=` rules are judged on it.
inline constexpr std::int64_t kOpenedDescriptor = 64;
// What a successful call returns, which the kernel records as its exit: the descriptor, or 0.
std::int64_t success_exit(std::string_view syscall);

}  // namespace auditvm::check
