// What a successful system call returns, which the kernel records as its exit (the return code
// truncated to u32). The STIG's required successes are these exits only: a rule that leaves out an
// exit no successful call can return (`-F exit!=-4096` on init_module) still records every success.
// Read in the kernel's sources and confirmed in the guests (tests/semantics/exit_of_success.rules,
// the witnesses' records): the module, file-attribute, rename/unlink, mount and exec calls return 0;
// the opening calls a descriptor, a non-negative int. Any other call: any exit.
#pragma once

#include <string_view>

#include "check/event_space.hpp"

namespace auditvm::check {

Interval success_exits(std::string_view syscall);

}  // namespace auditvm::check
