#include "check/call_outcomes.hpp"

#include <algorithm>
#include <array>

#include "check/witness.hpp"

namespace auditvm::check {
namespace {

constexpr int kEPERM = 1, kENOENT = 2, kENOEXEC = 8, kEBADF = 9, kEACCES = 13, kEFAULT = 14, kEEXIST = 17, kEINVAL = 22;
using B = ModuleBefore;
using C = Capability;
using A = Argument;

// Each failure comes from the first check the kernel makes that fails (found in its sources and
// confirmed in the guests): may_init_module / capable(CAP_SYS_MODULE) first, so every failure but
// EPERM needs the capability kept; then the flags (EINVAL), the descriptor (EBADF), the length
// (ENOEXEC under an ELF header's size), the copy from user memory (EFAULT), the module list
// (EEXIST, ENOENT). EPERM leaves the module as it is: the capability check comes first.
constexpr std::array kOutcomes{
    CallOutcome{"init_module", 0, B::unloaded, C::keep, A::valid},
    CallOutcome{"init_module", kEPERM, B::as_is, C::drop, A::valid},
    CallOutcome{"init_module", kEEXIST, B::loaded, C::keep, A::valid},
    CallOutcome{"init_module", kEFAULT, B::as_is, C::keep, A::bad_pointer},
    CallOutcome{"init_module", kENOEXEC, B::as_is, C::keep, A::not_elf},
    CallOutcome{"finit_module", 0, B::unloaded, C::keep, A::valid},
    CallOutcome{"finit_module", kEPERM, B::as_is, C::drop, A::valid},
    CallOutcome{"finit_module", kEEXIST, B::loaded, C::keep, A::valid},
    CallOutcome{"finit_module", kEBADF, B::as_is, C::keep, A::bad_fd},
    CallOutcome{"finit_module", kEINVAL, B::as_is, C::keep, A::bad_flags},
    CallOutcome{"delete_module", 0, B::loaded, C::keep, A::valid},
    CallOutcome{"delete_module", kEPERM, B::as_is, C::drop, A::valid},
    CallOutcome{"delete_module", kENOENT, B::unloaded, C::keep, A::valid},
    CallOutcome{"delete_module", kEFAULT, B::as_is, C::keep, A::bad_pointer},
    // File calls (guest/modhelper's fixtures under /run/auditvm/fx). Each failure arises as it does
    // for a user, from modes and ownership, so the caller holds no capability (drop) and root
    // fails as a user does; successes need none either, except where the call itself does (mount
    // and trusted.* xattrs: CAP_SYS_ADMIN; open_by_handle_at: CAP_DAC_READ_SEARCH): keep.
    // Not producible: EACCES from ftruncate, fchown and fchmod (no path lookup, no permission check
    // on the inode: the kernel gives EACCES there only through an LSM).
    CallOutcome{"open", 0, B::as_is, C::natural, A::valid},
    CallOutcome{"open", kEACCES, B::as_is, C::drop, A::denied},
    CallOutcome{"open", kEPERM, B::as_is, C::drop, A::noatime},
    CallOutcome{"openat", 0, B::as_is, C::natural, A::valid},
    CallOutcome{"openat", kEACCES, B::as_is, C::drop, A::denied},
    CallOutcome{"openat", kEPERM, B::as_is, C::drop, A::noatime},
    CallOutcome{"creat", 0, B::as_is, C::natural, A::valid},
    CallOutcome{"creat", kEACCES, B::as_is, C::drop, A::denied},
    CallOutcome{"creat", kEPERM, B::as_is, C::drop, A::append_only},
    CallOutcome{"truncate", 0, B::as_is, C::natural, A::valid},
    CallOutcome{"truncate", kEACCES, B::as_is, C::drop, A::denied},
    CallOutcome{"truncate", kEPERM, B::as_is, C::drop, A::append_only},
    CallOutcome{"ftruncate", 0, B::as_is, C::natural, A::valid},
    CallOutcome{"ftruncate", kEPERM, B::as_is, C::drop, A::append_only},
    // The capability check comes first (EPERM); with it, write access to a 0444 file is refused.
    CallOutcome{"open_by_handle_at", 0, B::as_is, C::keep, A::valid},
    CallOutcome{"open_by_handle_at", kEACCES, B::as_is, C::keep, A::denied},
    CallOutcome{"open_by_handle_at", kEPERM, B::as_is, C::drop, A::not_owner},
    // The mount point is looked up before the capability is checked.
    CallOutcome{"mount", 0, B::as_is, C::keep, A::valid},
    CallOutcome{"mount", kEACCES, B::as_is, C::drop, A::denied},
    CallOutcome{"mount", kEPERM, B::as_is, C::drop, A::not_owner},
    CallOutcome{"rename", 0, B::as_is, C::natural, A::valid},
    CallOutcome{"rename", kEACCES, B::as_is, C::drop, A::denied},
    CallOutcome{"rename", kEPERM, B::as_is, C::drop, A::not_owner},
    CallOutcome{"renameat", 0, B::as_is, C::natural, A::valid},
    CallOutcome{"renameat", kEACCES, B::as_is, C::drop, A::denied},
    CallOutcome{"renameat", kEPERM, B::as_is, C::drop, A::not_owner},
    CallOutcome{"unlink", 0, B::as_is, C::natural, A::valid},
    CallOutcome{"unlink", kEACCES, B::as_is, C::drop, A::denied},
    CallOutcome{"unlink", kEPERM, B::as_is, C::drop, A::not_owner},
    CallOutcome{"unlinkat", 0, B::as_is, C::natural, A::valid},
    CallOutcome{"unlinkat", kEACCES, B::as_is, C::drop, A::denied},
    CallOutcome{"unlinkat", kEPERM, B::as_is, C::drop, A::not_owner},
    CallOutcome{"rmdir", 0, B::as_is, C::natural, A::valid},
    CallOutcome{"rmdir", kEACCES, B::as_is, C::drop, A::denied},
    CallOutcome{"rmdir", kEPERM, B::as_is, C::drop, A::not_owner},
    CallOutcome{"chown", 0, B::as_is, C::natural, A::valid},
    CallOutcome{"chown", kEACCES, B::as_is, C::drop, A::denied},
    CallOutcome{"chown", kEPERM, B::as_is, C::drop, A::not_owner},
    CallOutcome{"lchown", 0, B::as_is, C::natural, A::valid},
    CallOutcome{"lchown", kEACCES, B::as_is, C::drop, A::denied},
    CallOutcome{"lchown", kEPERM, B::as_is, C::drop, A::not_owner},
    CallOutcome{"fchownat", 0, B::as_is, C::natural, A::valid},
    CallOutcome{"fchownat", kEACCES, B::as_is, C::drop, A::denied},
    CallOutcome{"fchownat", kEPERM, B::as_is, C::drop, A::not_owner},
    CallOutcome{"fchown", 0, B::as_is, C::natural, A::valid},
    CallOutcome{"fchown", kEPERM, B::as_is, C::drop, A::not_owner},
    CallOutcome{"chmod", 0, B::as_is, C::natural, A::valid},
    CallOutcome{"chmod", kEACCES, B::as_is, C::drop, A::denied},
    CallOutcome{"chmod", kEPERM, B::as_is, C::drop, A::not_owner},
    CallOutcome{"fchmodat", 0, B::as_is, C::natural, A::valid},
    CallOutcome{"fchmodat", kEACCES, B::as_is, C::drop, A::denied},
    CallOutcome{"fchmodat", kEPERM, B::as_is, C::drop, A::not_owner},
    CallOutcome{"fchmod", 0, B::as_is, C::natural, A::valid},
    CallOutcome{"fchmod", kEPERM, B::as_is, C::drop, A::not_owner},
    // trusted.* needs CAP_SYS_ADMIN (EPERM without); a user.* xattr is checked against the file's
    // mode before the filesystem is asked (EACCES on a file the caller cannot write).
    CallOutcome{"setxattr", 0, B::as_is, C::keep, A::valid},
    CallOutcome{"setxattr", kEACCES, B::as_is, C::drop, A::denied},
    CallOutcome{"setxattr", kEPERM, B::as_is, C::drop, A::not_owner},
    CallOutcome{"lsetxattr", 0, B::as_is, C::keep, A::valid},
    CallOutcome{"lsetxattr", kEACCES, B::as_is, C::drop, A::denied},
    CallOutcome{"lsetxattr", kEPERM, B::as_is, C::drop, A::not_owner},
    CallOutcome{"fsetxattr", 0, B::as_is, C::keep, A::valid},
    CallOutcome{"fsetxattr", kEACCES, B::as_is, C::drop, A::denied},
    CallOutcome{"fsetxattr", kEPERM, B::as_is, C::drop, A::not_owner},
    CallOutcome{"removexattr", 0, B::as_is, C::keep, A::valid},
    CallOutcome{"removexattr", kEACCES, B::as_is, C::drop, A::denied},
    CallOutcome{"removexattr", kEPERM, B::as_is, C::drop, A::not_owner},
    CallOutcome{"lremovexattr", 0, B::as_is, C::keep, A::valid},
    CallOutcome{"lremovexattr", kEACCES, B::as_is, C::drop, A::denied},
    CallOutcome{"lremovexattr", kEPERM, B::as_is, C::drop, A::not_owner},
    CallOutcome{"fremovexattr", 0, B::as_is, C::keep, A::valid},
    CallOutcome{"fremovexattr", kEACCES, B::as_is, C::drop, A::denied},
    CallOutcome{"fremovexattr", kEPERM, B::as_is, C::drop, A::not_owner},
    // V-268091: an exec of a copy of the helper (scenario/guest_calls: setuid-root or setgid-root
    // where the event's euid or egid is 0 and its uid or gid is not; the ids at the call's exit are
    // the exec'd program's). A failed exec changes no ids, so only a success can raise them.
    CallOutcome{"execve", 0, B::as_is, C::natural, A::valid},
};

}  // namespace

std::string_view to_string(ModuleBefore before) {
  switch (before) {
    case ModuleBefore::as_is: return "as_is";
    case ModuleBefore::loaded: return "loaded";
    case ModuleBefore::unloaded: return "unloaded";
  }
  return "?";
}

std::string_view to_string(Capability capability) {
  switch (capability) {
    case Capability::natural: return "natural";
    case Capability::keep: return "keep";
    case Capability::drop: return "drop";
  }
  return "?";
}

std::string_view to_string(Argument argument) {
  switch (argument) {
    case Argument::valid: return "valid";
    case Argument::bad_fd: return "bad_fd";
    case Argument::bad_flags: return "bad_flags";
    case Argument::bad_pointer: return "bad_pointer";
    case Argument::not_elf: return "not_elf";
    case Argument::denied: return "denied";
    case Argument::not_owner: return "not_owner";
    case Argument::append_only: return "append_only";
    case Argument::noatime: return "noatime";
  }
  return "?";
}

std::span<const CallOutcome> call_outcomes() { return kOutcomes; }

std::int64_t success_exit(std::string_view syscall) {
  const bool opens = syscall == "open" || syscall == "openat" || syscall == "creat" || syscall == "open_by_handle_at";
  return opens ? kOpenedDescriptor : 0;
}

const CallOutcome* call_outcome(const Event& event) {
  // Success is exactly what the call returns: 0, or for the opening calls the runner's descriptor.
  if (event.success != (event.exit_code >= 0)) return nullptr;
  if (event.success && event.exit_code != success_exit(event.syscall)) return nullptr;
  if (event.exit_code < -4095) return nullptr;
  int error_number = event.success ? 0 : static_cast<int>(-event.exit_code);
  for (const auto& row : kOutcomes)
    if (row.syscall == event.syscall && row.error_number == error_number) return &row;
  return nullptr;
}

// The ids are set with setresuid/setresgid, where 4294967295 means "leave as it is": those
// cannot be a caller's. A login uid of 4294967295 is the runner's own (unset).
bool call_outcome_feasible(const Event& event) {
  if (event.uid == rules::kUnsetId || event.euid == rules::kUnsetId || event.gid == rules::kUnsetId || event.egid == rules::kUnsetId) return false;
  // A caller whose egid differs from its gid is a setgid program's: only an exec of the
  // setgid-root copy makes one (egid 0).
  if (event.egid && *event.egid != event.gid && !(event.syscall == "execve" && *event.egid == 0)) return false;
  return call_outcome(event) != nullptr;
}

}  // namespace auditvm::check
