#include "check/witness.hpp"

#include <algorithm>
#include <cerrno>
#include <optional>
#include <set>
#include <tuple>

namespace auditvm::check {
namespace {

// setresuid(-1) means "leave it": 4294967295 cannot be given to a process as an id.
constexpr std::int64_t kMaxSettableId = 4294967294LL;
constexpr std::int64_t kMaxAuid = 4294967295LL;  // the login uid can be unset, which is this value

// The outcomes tried for a witness, in order of preference: the STIG's plain cases first.
constexpr std::int64_t kOutcomes[] = {0, -EPERM, -EACCES, -EEXIST, -ENOENT, -EBADF, -EINVAL, -EFAULT, -ENOEXEC};

Interval meet(const Box& box, std::initializer_list<Dim> dims) {
  Interval out{0, kMaxAuid};
  for (Dim dim : dims) out = {std::max(out.lo, box[dim].lo), std::min(out.hi, box[dim].hi)};
  return out;
}

// A value in `range` (cut at `max`): the first preferred one inside it, else its lower end.
std::optional<std::int64_t> pick(Interval range, const std::vector<std::int64_t>& preferred, std::int64_t max = kMaxSettableId) {
  range.hi = std::min(range.hi, max);
  if (range.empty()) return std::nullopt;
  for (auto value : preferred)
    if (value >= range.lo && value <= range.hi) return value;
  return range.lo;
}

// What a witness should look like where the region leaves a choice.
struct Preference {
  std::vector<std::int64_t> auid{1000};
  std::vector<std::int64_t> uid{0, 1000};
  std::vector<std::int64_t> euid{};  // empty: as uid
  std::vector<std::int64_t> gid{0, 1000};
  std::optional<std::int64_t> outcome;  // a return code; none: the first feasible one
  LoginMode login = LoginMode::inherited;
  bool alternate_exe = false;
};

std::optional<Event> point_in(const Box& box, Abi abi, const std::string& syscall, const Preference& p, OutcomeFeasible feasible) {
  auto auid = pick(box[Dim::auid], p.auid, kMaxAuid);
  auto uid = pick(box[Dim::uid], p.uid);
  if (!auid || !uid) return std::nullopt;
  std::vector<std::int64_t> euid_preferred = p.euid.empty() ? std::vector<std::int64_t>{*uid, 0, 1000} : p.euid;
  auto euid = pick(meet(box, {Dim::euid, Dim::suid, Dim::fsuid}), euid_preferred);
  auto gid = pick(meet(box, {Dim::gid, Dim::egid, Dim::sgid, Dim::fsgid}), p.gid);
  if (!euid || !gid) return std::nullopt;
  Event event;
  event.abi = abi;
  event.syscall = syscall;
  event.auid = static_cast<std::uint32_t>(*auid);
  event.uid = static_cast<std::uint32_t>(*uid);
  event.euid = static_cast<std::uint32_t>(*euid);
  event.gid = static_cast<std::uint32_t>(*gid);
  event.login = p.login;
  event.alternate_exe = p.alternate_exe;
  std::vector<std::int64_t> outcomes;
  if (p.outcome) outcomes.push_back(*p.outcome);
  outcomes.insert(outcomes.end(), std::begin(kOutcomes), std::end(kOutcomes));
  for (auto code : outcomes) {
    event.success = code >= 0;
    event.exit_code = code;
    const std::int64_t success = event.success ? 1 : 0;
    const std::int64_t exit = exit_point(code);
    if (success < box[Dim::success].lo || success > box[Dim::success].hi) continue;
    if (exit < box[Dim::exit].lo || exit > box[Dim::exit].hi) continue;
    if (p.outcome && code != *p.outcome) continue;  // asked for this outcome: nothing else
    if (feasible(event)) return event;
  }
  return std::nullopt;
}

bool uses_field(const rules::RuleSet& rules, const std::string& field) {
  for (const auto& rule : rules.rules)
    if (const auto* body = rule.syscall_rule())
      for (const auto& f : body->fields)
        if (f.field == field) return true;
  return false;
}

std::string describe(const RegionOutcome& region, const CheckResult& result) {
  if (region.group >= 0) return "uncovered: " + result.uncovered[static_cast<std::size_t>(region.group)].text();
  return "covered: " + std::string(to_string(region.abi)) + " " + region.syscall + ", " + region.reason;
}

using EventKey = std::tuple<Abi, std::string, std::uint32_t, std::uint32_t, std::uint32_t, std::uint32_t, bool, std::int64_t, LoginMode, bool>;
EventKey key_of(const Event& e) { return {e.abi, e.syscall, e.auid, e.uid, e.euid, e.gid, e.success, e.exit_code, e.login, e.alternate_exe}; }

class Chooser {
 public:
  Chooser(const rules::RuleSet& loaded, Arch arch, OutcomeFeasible feasible, const Predictor& predictor)
      : loaded_(loaded), arch_(arch), feasible_(feasible), predictor_(predictor) {}

  void add(const std::optional<Event>& event, std::string region, bool required) {
    if (!event || !seen_.insert(key_of(*event)).second) return;
    witnesses_.push_back({*event, predictor_(loaded_, arch_, *event), required, std::move(region)});
  }
  void add_in(const RegionOutcome& region, const CheckResult& result, const Preference& p) {
    add(point_in(region.box, region.abi, region.syscall, p, feasible_), describe(region, result), true);
  }
  std::vector<Witness> take() { return std::move(witnesses_); }

 private:
  const rules::RuleSet& loaded_;
  Arch arch_;
  OutcomeFeasible feasible_;
  const Predictor& predictor_;
  std::set<EventKey> seen_;
  std::vector<Witness> witnesses_;
};

// The boundaries of a recorded region, one dimension at a time, each outcome it holds, and the
// ways of running a call that task and exe rules tell apart.
void add_boundaries(Chooser& chooser, const RegionOutcome& region, const CheckResult& result, bool exe_rules) {
  const Box& box = region.box;
  chooser.add_in(region, result, {});
  for (auto auid : {box[Dim::auid].lo, box[Dim::auid].hi}) {
    Preference p;
    p.auid = {auid};
    chooser.add_in(region, result, p);
  }
  // An id the region narrows is tried at both ends; one it leaves whole, at root and at a user
  // (its other end, 4294967294, tells the model nothing new then).
  auto is_whole = [](const Interval& range) { return range.lo == 0 && range.hi >= kMaxSettableId; };
  auto ends = [&](const Interval& range) {
    return is_whole(range) ? std::vector<std::int64_t>{0, 1000} : std::vector<std::int64_t>{range.lo, std::min(range.hi, kMaxSettableId)};
  };
  for (auto uid : ends(box[Dim::uid])) {
    Preference p;
    p.uid = {uid};
    chooser.add_in(region, result, p);
  }
  for (auto value : ends(meet(box, {Dim::euid, Dim::suid, Dim::fsuid}))) {
    Preference p;
    p.euid = {value};
    chooser.add_in(region, result, p);
  }
  for (auto value : ends(meet(box, {Dim::gid, Dim::egid, Dim::sgid, Dim::fsgid}))) {
    Preference p;
    p.gid = {value};
    chooser.add_in(region, result, p);
  }
  for (auto code : kOutcomes) {
    Preference p;
    p.outcome = code;
    chooser.add_in(region, result, p);
  }
  Preference self;
  self.login = LoginMode::self;
  chooser.add_in(region, result, self);
  if (exe_rules) {
    Preference other;
    other.alternate_exe = true;
    chooser.add_in(region, result, other);
  }
}

}  // namespace

std::vector<Witness> choose_witnesses(const rules::RuleSet& loaded, Arch arch, const StigRule& stig, const WitnessLimits& limits,
                                      OutcomeFeasible feasible, const Predictor& predictor) {
  CheckResult result = evaluate(loaded, arch, stig);
  Chooser chooser(loaded, arch, feasible, predictor);
  const bool exe_rules = uses_field(loaded, "exe");
  // Uncovered regions first: each needs a witness that leaves no record, from a logged-in
  // user's command, and one from a process that set its own login uid.
  for (const auto& region : result.regions) {
    if (region.fate == Fate::recorded) continue;
    chooser.add_in(region, result, {});
    Preference self;
    self.login = LoginMode::self;
    chooser.add_in(region, result, self);
  }
  for (const auto& region : result.regions)
    if (region.fate == Fate::recorded) add_boundaries(chooser, region, result, exe_rules);
  // Just outside the required set (auid 999, unset): not required, but the model predicts them too.
  std::set<std::pair<Abi, std::string>> calls;
  for (const auto& region : result.regions) calls.insert({region.abi, region.syscall});
  for (const auto& [abi, syscall] : calls) {
    for (std::int64_t auid : {std::int64_t{999}, kMaxAuid}) {
      Box anyone = Box::everything();
      Preference p;
      p.auid = {auid};
      Event probe;
      probe.abi = abi;
      probe.syscall = syscall;
      probe.auid = static_cast<std::uint32_t>(auid);
      if (in_required_set(stig, probe)) continue;
      chooser.add(point_in(anyone, abi, syscall, p, feasible), "outside the required set: auid " + (auid == kMaxAuid ? std::string("unset") : std::to_string(auid)), false);
    }
  }
  auto witnesses = chooser.take();
  if (witnesses.size() > limits.max_witnesses) witnesses.resize(limits.max_witnesses);
  return witnesses;
}

}  // namespace auditvm::check
