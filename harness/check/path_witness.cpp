#include "check/path_witness.hpp"

#include <algorithm>
#include <cerrno>
#include <set>
#include <tuple>

#include "check/call_outcomes.hpp"

namespace auditvm::check {
namespace {

constexpr std::int64_t kUnsetAuid = 4294967295LL;
constexpr std::uint32_t kUser = 1000;

// A login uid of `range`: the preferred one when inside, else its lower end.
std::int64_t pick(const Interval& range, std::int64_t preferred) { return preferred >= range.lo && preferred <= range.hi ? preferred : range.lo; }

// The access as the guest gives it to this caller (see PathWitness::access).
PathWitness witness(Abi abi, const std::string& access, const std::string& path, std::int64_t auid, std::uint32_t uid, bool required,
                    std::string region) {
  PathWitness w;
  Event& e = w.access.event;
  e.abi = abi;
  e.syscall = access_syscall(access);
  e.auid = static_cast<std::uint32_t>(auid);
  e.uid = e.euid = e.gid = uid;
  e.success = uid == 0 || access == "exec";
  e.exit_code = e.success ? (access == "write" ? kOpenedDescriptor : 0) : (access == "attr" ? -EPERM : -EACCES);
  w.access.path = path;
  w.access.access = access;
  w.target = witness_target(path);
  w.required = required;
  w.region = std::move(region);
  return w;
}

bool holds(const Box& box, const PathWitness& w) {
  const Event& e = w.access.event;
  return e.auid >= box[Dim::auid].lo && e.auid <= box[Dim::auid].hi && e.uid >= box[Dim::uid].lo && e.uid <= box[Dim::uid].hi &&
         (e.success ? 1 : 0) >= box[Dim::success].lo && (e.success ? 1 : 0) <= box[Dim::success].hi;
}

}  // namespace

std::string access_syscall(const std::string& access) {
  if (access == "write") return "openat";
  if (access == "attr") return "fchmodat";
  if (access == "exec") return "execve";
  return "openat";  // read: not made (no STIG rule requires one)
}

std::string witness_target(const std::string& path) { return path.size() > 1 && path.back() == '/' ? path + "auditvm-witness" : path; }

std::vector<PathWitness> choose_path_witnesses(const rules::RuleSet& loaded, Arch arch, const StigRule& stig) {
  const CheckResult result = evaluate(loaded, arch, stig);
  std::vector<PathWitness> out;
  std::set<std::tuple<Abi, std::string, std::string, std::uint32_t, std::uint32_t>> seen;
  auto add = [&](PathWitness w, const Box* inside) {
    // A user's access fails where root's succeeds: the outcome a piece holds decides who makes it.
    if (inside && !holds(*inside, w)) return;
    const Event& e = w.access.event;
    if (seen.insert({e.abi, w.access.access, w.access.path, e.auid, e.uid}).second) out.push_back(std::move(w));
  };
  const auto pieces = access_pieces(loaded, arch, stig);
  // Uncovered pieces first: each needs an access inside it that leaves no record. The piece is
  // every call that makes the access; a rule may still record the one call a witness makes (V-268100's
  // fchmodat for auid >= 1000 under a -p w watch), so the first caller the model predicts no record
  // for is taken (the piece's lower end, 1000, its upper end; root, then a user).
  for (const auto& piece : pieces) {
    if (piece.fate == Fate::recorded) continue;
    const std::string region = "uncovered: " + result.uncovered[static_cast<std::size_t>(piece.group)].text();
    const Interval& auids = piece.box[Dim::auid];
    std::vector<PathWitness> inside;
    for (std::int64_t auid : {auids.lo, pick(auids, 1000), auids.hi})
      for (std::uint32_t uid : {0u, kUser})
        if (auto w = witness(piece.abi, piece.access, piece.path, auid, uid, true, region); holds(piece.box, w)) inside.push_back(std::move(w));
    auto unrecorded = std::find_if(inside.begin(), inside.end(), [&](const PathWitness& w) { return predict_access(loaded, arch, w.access).fate != Fate::recorded; });
    if (unrecorded != inside.end()) add(std::move(*unrecorded), &piece.box);
    else if (!inside.empty()) add(std::move(inside.front()), &piece.box);
  }
  // Recorded pieces: the lowest login uid as root, the highest as a user (a failure, except for exec).
  for (const auto& piece : pieces) {
    if (piece.fate != Fate::recorded) continue;
    const std::string region = "covered: " + std::string(to_string(piece.abi)) + " " + piece.access + " " + piece.path + ", " + piece.reason;
    const Interval& auids = piece.box[Dim::auid];
    add(witness(piece.abi, piece.access, piece.path, auids.lo, 0, true, region), &piece.box);
    add(witness(piece.abi, piece.access, piece.path, auids.hi, kUser, true, region), &piece.box);
  }
  // Just outside the required login uids (999, unset): not required, but predicted too.
  for (const auto& required : stig.required_access)
    for (Abi abi : all_abis())
      for (const auto& access : required.access)
        for (const auto& path : required.paths)
          for (std::int64_t auid : {std::int64_t{999}, kUnsetAuid}) {
            const bool inside = std::any_of(required.auids.begin(), required.auids.end(), [&](const Interval& i) { return auid >= i.lo && auid <= i.hi; });
            if (!inside)
              add(witness(abi, access, path, auid, 0, false, "outside the required set: auid " + (auid == kUnsetAuid ? std::string("unset") : std::to_string(auid))),
                  nullptr);
          }
  return out;
}

}  // namespace auditvm::check
