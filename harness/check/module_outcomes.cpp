#include "check/module_outcomes.hpp"

#include <array>

#include "check/witness.hpp"

namespace auditvm::check {
namespace {

constexpr int kEPERM = 1, kENOENT = 2, kENOEXEC = 8, kEBADF = 9, kEFAULT = 14, kEEXIST = 17, kEINVAL = 22;
using B = ModuleBefore;
using C = Capability;
using A = Argument;

// Each failure comes from the first check the kernel makes that fails (found in its sources and
// confirmed in the guests): may_init_module / capable(CAP_SYS_MODULE) first, so every failure but
// EPERM needs the capability kept; then the flags (EINVAL), the descriptor (EBADF), the length
// (ENOEXEC under an ELF header's size), the copy from user memory (EFAULT), the module list
// (EEXIST, ENOENT). EPERM leaves the module as it is: the capability check comes first.
constexpr std::array kOutcomes{
    ModuleOutcome{"init_module", 0, B::unloaded, C::keep, A::valid},
    ModuleOutcome{"init_module", kEPERM, B::as_is, C::drop, A::valid},
    ModuleOutcome{"init_module", kEEXIST, B::loaded, C::keep, A::valid},
    ModuleOutcome{"init_module", kEFAULT, B::as_is, C::keep, A::bad_pointer},
    ModuleOutcome{"init_module", kENOEXEC, B::as_is, C::keep, A::not_elf},
    ModuleOutcome{"finit_module", 0, B::unloaded, C::keep, A::valid},
    ModuleOutcome{"finit_module", kEPERM, B::as_is, C::drop, A::valid},
    ModuleOutcome{"finit_module", kEEXIST, B::loaded, C::keep, A::valid},
    ModuleOutcome{"finit_module", kEBADF, B::as_is, C::keep, A::bad_fd},
    ModuleOutcome{"finit_module", kEINVAL, B::as_is, C::keep, A::bad_flags},
    ModuleOutcome{"delete_module", 0, B::loaded, C::keep, A::valid},
    ModuleOutcome{"delete_module", kEPERM, B::as_is, C::drop, A::valid},
    ModuleOutcome{"delete_module", kENOENT, B::unloaded, C::keep, A::valid},
    ModuleOutcome{"delete_module", kEFAULT, B::as_is, C::keep, A::bad_pointer},
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
  }
  return "?";
}

std::span<const ModuleOutcome> module_outcomes() { return kOutcomes; }

const ModuleOutcome* module_outcome(const Event& event) {
  if (event.success != (event.exit_code == 0)) return nullptr;
  if (event.exit_code > 0 || event.exit_code < -4095) return nullptr;
  int error_number = static_cast<int>(-event.exit_code);
  for (const auto& row : kOutcomes)
    if (row.syscall == event.syscall && row.error_number == error_number) return &row;
  return nullptr;
}

// The ids are set with setresuid/setresgid, where 4294967295 means "leave as it is": those
// cannot be a caller's. A login uid of 4294967295 is the runner's own (unset).
bool module_call_outcome_feasible(const Event& event) {
  if (event.uid == rules::kUnsetId || event.euid == rules::kUnsetId || event.gid == rules::kUnsetId) return false;
  return module_outcome(event) != nullptr;
}

}  // namespace auditvm::check
