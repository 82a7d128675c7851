// The space of syscall events a rule can select, as unions of boxes (one integer interval per
// field). Rule conditions and STIG requirements are both regions of this space, so "does the
// rule set record every required event" becomes exact set arithmetic, not sampling.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace auditvm::check {

// The fields the model can decide. Anything else (path, pid, subj_*, a0..a3) is undecidable.
// AUDIT_SYSCALL: the msgtype of a system call's record, what an exclude rule must drop to lose it.
inline constexpr std::int64_t kSyscallMsgType = 1300;

enum class Dim { auid, uid, euid, suid, fsuid, gid, egid, sgid, fsgid, success, exit, msgtype, count };
inline constexpr std::size_t kDims = static_cast<std::size_t>(Dim::count);

std::optional<Dim> dim_of_field(const std::string& field);  // "loginuid" is auid
std::string_view dim_name(Dim dim);

struct Interval {
  std::int64_t lo;
  std::int64_t hi;  // inclusive
  bool empty() const { return lo > hi; }
};

// Every field is the u32 the kernel compares (audit_comparator takes u32), success aside: 1 a
// successful call, 0 a failed one. exit is the return code truncated to u32, as the kernel passes
// it (-13 is 4294967283), so `exit<0` matches nothing and `exit=-13` matches -EACCES.
Interval full_range(Dim dim);

// The kernel's idea of a failed syscall: the return value is an errno in [-4095, -1].
inline constexpr std::int64_t kMaxErrno = 4095;

// A return code on the exit dimension, and back (as the signed 32-bit number people read).
std::int64_t exit_point(std::int64_t return_code);
std::int64_t return_code_of(std::int64_t exit_point);
inline const Interval kFailureExits{4294967296LL - kMaxErrno, 4294967295LL};  // -4095..-1

struct Box {
  std::array<Interval, kDims> ranges;
  static Box everything();
  Interval& operator[](Dim dim) { return ranges[static_cast<std::size_t>(dim)]; }
  const Interval& operator[](Dim dim) const { return ranges[static_cast<std::size_t>(dim)]; }
  bool empty() const;
};

std::optional<Box> intersect(const Box& a, const Box& b);
std::vector<Box> subtract(const Box& a, const Box& b);  // a \ b as disjoint boxes

// A union of disjoint boxes.
class Region {
 public:
  Region() = default;
  explicit Region(std::vector<Box> boxes) : boxes_(std::move(boxes)) {}
  const std::vector<Box>& boxes() const { return boxes_; }
  bool empty() const { return boxes_.empty(); }
  Region intersected(const Region& other) const;
  void subtract(const Region& other);
  void add(const Region& disjoint_other);

 private:
  std::vector<Box> boxes_;
};

}  // namespace auditvm::check
