#include "check/success_exits.hpp"

#include <algorithm>
#include <array>

namespace auditvm::check {
namespace {

// do_init_module returns 0 even when a module's init returned a positive value (it warns); the
// others end in `return 0` or the result of a helper that returns 0 or -errno.
constexpr std::array<std::string_view, 31> kReturnZero{
    "init_module", "finit_module", "delete_module", "execve",    "execveat",     "mount",        "umount2",   "truncate",
    "ftruncate",   "rename",       "renameat",      "renameat2", "unlink",       "unlinkat",     "rmdir",     "chown",
    "fchown",      "lchown",       "fchownat",      "chmod",     "fchmod",       "fchmodat",     "setxattr",  "lsetxattr",
    "fsetxattr",   "removexattr",  "lremovexattr",  "fremovexattr", "truncate64", "ftruncate64", "fchmodat2"};
// A new file descriptor: get_unused_fd_flags hands out 0..INT_MAX.
constexpr std::array<std::string_view, 5> kReturnDescriptor{"open", "openat", "openat2", "creat", "open_by_handle_at"};
constexpr std::int64_t kMaxDescriptor = 2147483647;

bool in(const auto& names, std::string_view syscall) { return std::find(names.begin(), names.end(), syscall) != names.end(); }

}  // namespace

Interval success_exits(std::string_view syscall) {
  if (in(kReturnZero, syscall)) return {0, 0};
  if (in(kReturnDescriptor, syscall)) return {0, kMaxDescriptor};
  return full_range(Dim::exit);
}

}  // namespace auditvm::check
