// Module calls in a guest, all of a cell's in one round trip: what each call is (GuestCall), the
// mechanics that give an event its outcome (call_for), the one script that makes a list of calls
// with the guest runner (guest/modhelper --batch), and its results (CallResult). Typed: JSON only
// where the runner's lines are read.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "check/coverage.hpp"
#include "check/call_outcomes.hpp"
#include "check/path_witness.hpp"
#include "core/arch.hpp"
#include "image/manifest.hpp"

namespace auditvm::scenario {

struct GuestCall {
  int id = 0;  // the caller's own number for it (a scenario action's index, a witness's): echoed in its result
  Abi abi = Abi::b64;
  std::string syscall;  // a module call or a file call (check::call_outcomes names them all)
  check::LoginMode login = check::LoginMode::inherited;
  std::optional<std::uint32_t> auid;  // nullopt: unset (the runner's own)
  std::uint32_t uid = 0, euid = 0, gid = 0;
  check::ModuleBefore module_before = check::ModuleBefore::as_is;
  check::Capability capability = check::Capability::natural;
  check::Argument argument = check::Argument::valid;
  bool alternate_exe = false;  // made from the second copy of the helper (alternate_helper_path)
  // A path witness (scenario/path_witnesses): the guest path it opens for writing (openat), changes
  // to its own mode (fchmodat) or runs (execve), given to the runner instead of `argument`.
  std::string path;
};

// The call that makes `event` happen with the outcome it names (call_outcomes' mechanics), or
// nullopt when the runner cannot produce it (check::call_outcome_feasible says the same).
std::optional<GuestCall> call_for(const check::Event& event, int id);

// The access a path witness makes (check/path_witness), as a logged-in caller of its ids.
GuestCall path_call(const check::PathWitness& witness, int id);

// The second copy of an ABI's helper: another inode at another path, for `-F exe=` rules (the
// kernel compares the executable by inode). The calls script makes it from the helper when missing.
std::string alternate_helper_path(Abi abi);

// One command making every call in order, one runner process per executable used; prints one
// line per call.
std::string calls_script(const std::vector<GuestCall>& calls, const image::Manifest& manifest);

// What the runner printed for one call, as the caller saw it.
struct CallResult {
  int id = 0;                // the GuestCall's id
  bool ran = false;          // false: the call was not made (setup_failed says why, raw what came back)
  std::string setup_failed;  // the step that failed before the call ("setresuid", "module_before loaded", ...)
  long pid = 0;
  // The mark the caller put on the call (its comm, "call-ID"), written by the kernel in the call's
  // records: one caller process makes many calls. Empty for an exec'd child (its own process).
  std::string comm;
  std::uint32_t session = 0, auid = 0, uid = 0, euid = 0, gid = 0;
  bool cap_sys_module = false;  // CAP_SYS_MODULE was in the caller's effective set
  std::string exe;              // /proc/self/exe of the caller
  long ret = -1;  // the call's return value (a descriptor for open calls), -1 when it failed
  int error_number = 0;
  std::string error;  // "EPERM", "" on success
  std::string raw;    // the runner's line (or what came instead)
  bool succeeded() const { return ran && ret >= 0; }
};

// The results in the calls' order; a call without its line is not ran, naming what came instead.
std::vector<CallResult> parse_call_results(const std::string& output, const std::vector<GuestCall>& calls);

}  // namespace auditvm::scenario
