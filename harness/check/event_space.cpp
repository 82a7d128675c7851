#include "check/event_space.hpp"

#include <algorithm>
#include <map>

namespace auditvm::check {

std::optional<Dim> dim_of_field(const std::string& field) {
  static const std::map<std::string, Dim> dims{
      {"auid", Dim::auid}, {"loginuid", Dim::auid}, {"uid", Dim::uid},         {"euid", Dim::euid},
      {"suid", Dim::suid}, {"fsuid", Dim::fsuid},   {"gid", Dim::gid},         {"egid", Dim::egid},
      {"sgid", Dim::sgid}, {"fsgid", Dim::fsgid},   {"success", Dim::success}, {"exit", Dim::exit},
      {"msgtype", Dim::msgtype}};
  auto it = dims.find(field);
  if (it == dims.end()) return std::nullopt;
  return it->second;
}

std::string_view dim_name(Dim dim) {
  static const std::array<std::string_view, kDims> names{"auid", "uid",  "euid",    "suid", "fsuid",  "gid",
                                                         "egid", "sgid", "fsgid", "success", "exit", "msgtype"};
  return names[static_cast<std::size_t>(dim)];
}

Interval full_range(Dim dim) {
  switch (dim) {
    case Dim::success: return {0, 1};
    default: return {0, 4294967295LL};
  }
}

std::int64_t exit_point(std::int64_t return_code) { return static_cast<std::uint32_t>(return_code); }

std::int64_t return_code_of(std::int64_t exit_point) { return static_cast<std::int32_t>(static_cast<std::uint32_t>(exit_point)); }

Box Box::everything() {
  Box box;
  for (std::size_t i = 0; i < kDims; ++i) box.ranges[i] = full_range(static_cast<Dim>(i));
  return box;
}

bool Box::empty() const {
  return std::any_of(ranges.begin(), ranges.end(), [](const Interval& r) { return r.empty(); });
}

std::optional<Box> intersect(const Box& a, const Box& b) {
  Box out;
  for (std::size_t i = 0; i < kDims; ++i) {
    out.ranges[i] = {std::max(a.ranges[i].lo, b.ranges[i].lo), std::min(a.ranges[i].hi, b.ranges[i].hi)};
    if (out.ranges[i].empty()) return std::nullopt;
  }
  return out;
}

std::vector<Box> subtract(const Box& a, const Box& b) {
  auto overlap = intersect(a, b);
  if (!overlap) return {a};
  // Peel off, dimension by dimension, the slabs of `a` outside `b`; what stays is the overlap.
  std::vector<Box> pieces;
  Box rest = a;
  for (std::size_t i = 0; i < kDims; ++i) {
    const Interval& cut = overlap->ranges[i];
    if (rest.ranges[i].lo < cut.lo) {
      Box below = rest;
      below.ranges[i] = {rest.ranges[i].lo, cut.lo - 1};
      pieces.push_back(below);
    }
    if (rest.ranges[i].hi > cut.hi) {
      Box above = rest;
      above.ranges[i] = {cut.hi + 1, rest.ranges[i].hi};
      pieces.push_back(above);
    }
    rest.ranges[i] = cut;
  }
  return pieces;
}

Region Region::intersected(const Region& other) const {
  std::vector<Box> out;
  for (const auto& a : boxes_)
    for (const auto& b : other.boxes_)
      if (auto both = intersect(a, b)) out.push_back(*both);
  return Region(std::move(out));
}

void Region::subtract(const Region& other) {
  for (const auto& cut : other.boxes_) {
    std::vector<Box> next;
    for (const auto& box : boxes_) {
      auto pieces = check::subtract(box, cut);
      next.insert(next.end(), pieces.begin(), pieces.end());
    }
    boxes_ = std::move(next);
  }
}

void Region::add(const Region& disjoint_other) {
  boxes_.insert(boxes_.end(), disjoint_other.boxes_.begin(), disjoint_other.boxes_.end());
}

}  // namespace auditvm::check
