#include "check/witness.hpp"

#include "check/call_outcomes.hpp"

#include <algorithm>
#include <cerrno>
#include <map>
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
  auto gid = pick(box[Dim::gid], p.gid);
  if (!euid || !gid) return std::nullopt;
  // egid, sgid and fsgid as gid where the region allows (a setgid program's differ).
  auto egid = pick(meet(box, {Dim::egid, Dim::sgid, Dim::fsgid}), {*gid, 0, 1000});
  if (!egid) return std::nullopt;
  Event event;
  event.abi = abi;
  event.syscall = syscall;
  event.auid = static_cast<std::uint32_t>(*auid);
  event.uid = static_cast<std::uint32_t>(*uid);
  event.euid = static_cast<std::uint32_t>(*euid);
  event.gid = static_cast<std::uint32_t>(*gid);
  if (*egid != *gid) event.egid = static_cast<std::uint32_t>(*egid);
  event.login = p.login;
  event.alternate_exe = p.alternate_exe;
  std::vector<std::int64_t> outcomes;
  if (p.outcome) outcomes.push_back(*p.outcome);
  outcomes.insert(outcomes.end(), std::begin(kOutcomes), std::end(kOutcomes));
  for (auto code : outcomes) {
    event.success = code >= 0;
    event.exit_code = event.success ? success_exit(syscall) : code;  // success (0) as the call returns it
    const std::int64_t success = event.success ? 1 : 0;
    const std::int64_t exit = exit_point(event.exit_code);
    if (success < box[Dim::success].lo || success > box[Dim::success].hi) continue;
    if (exit < box[Dim::exit].lo || exit > box[Dim::exit].hi) continue;
    if (p.outcome && code != *p.outcome) continue;  // asked for this outcome: nothing else
    if (feasible(event)) return event;
  }
  return std::nullopt;
}

// Whether a loaded rule names any of `fields`, in an -F condition or a -C comparison.
bool names_any(const rules::RuleSet& rules, std::initializer_list<std::string_view> fields) {
  auto named = [&](const std::string& field) { return std::find(fields.begin(), fields.end(), field) != fields.end(); };
  for (const auto& rule : rules.rules)
    if (const auto* body = rule.syscall_rule()) {
      for (const auto& f : body->fields)
        if (named(f.field)) return true;
      for (const auto& c : body->comparisons)
        if (named(c.left) || named(c.right)) return true;
    }
  return false;
}

std::string describe(const RegionOutcome& region, const CheckResult& result) {
  if (region.group >= 0) return "uncovered: " + result.uncovered[static_cast<std::size_t>(region.group)].text();
  return "covered: " + std::string(to_string(region.abi)) + " " + region.syscall + ", " + region.reason;
}

using EventKey = std::tuple<Abi, std::string, std::uint32_t, std::uint32_t, std::uint32_t, std::uint32_t, std::optional<std::uint32_t>, bool, std::int64_t, LoginMode, bool>;
EventKey key_of(const Event& e) { return {e.abi, e.syscall, e.auid, e.uid, e.euid, e.gid, e.egid, e.success, e.exit_code, e.login, e.alternate_exe}; }

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

// Regions the loaded rules decide alike: the same ABI, call and caller kind, the same fate by the
// same rule, the same ids; they differ at most in the outcome (success, exit). A class is one
// decision of the model, so its witnesses are shared: each boundary value and each outcome is
// made once in the class, not once per region.
struct RegionClass {
  std::vector<const RegionOutcome*> regions;
};

std::vector<RegionClass> classes_of(const std::vector<RegionOutcome>& regions) {
  using Key = std::tuple<Abi, std::string, LoginMode, Fate, int, std::vector<std::pair<std::int64_t, std::int64_t>>>;
  std::map<Key, std::size_t> index;
  std::vector<RegionClass> out;
  for (const auto& region : regions) {
    if (region.fate != Fate::recorded) continue;
    std::vector<std::pair<std::int64_t, std::int64_t>> ids;
    for (std::size_t d = 0; d < kDims; ++d)
      if (d != static_cast<std::size_t>(Dim::success) && d != static_cast<std::size_t>(Dim::exit)) ids.emplace_back(region.box.ranges[d].lo, region.box.ranges[d].hi);
    auto [it, fresh] = index.try_emplace(Key{region.abi, region.syscall, region.login, region.fate, region.rule_line, std::move(ids)}, out.size());
    if (fresh) out.emplace_back();
    out[it->second].regions.push_back(&region);
  }
  return out;
}

// Which id dimensions a witness varies beyond uid (always root and a user): those a loaded rule names.
struct Varied {
  bool euid = false;
  bool gid = false;
};

// The witnesses of a recorded class: its boundaries (lowest and highest auid; uid, and where rules
// name them euid and gid, at both ends of what the class holds, or root and a user where it holds
// every id) and each outcome the guest can make in it, combined so that the k-th witness takes the
// k-th value of each list: as many witnesses as the longest list, every value made once.
void add_class(Chooser& chooser, const RegionClass& cls, const CheckResult& result, const Varied& varied, bool exe_rules, OutcomeFeasible feasible) {
  const RegionOutcome& first = *cls.regions.front();
  const Box& box = first.box;
  auto is_whole = [](const Interval& range) { return range.lo == 0 && range.hi >= kMaxSettableId; };
  auto ends = [&](const Interval& range) {
    if (is_whole(range)) return std::vector<std::int64_t>{0, 1000};
    std::vector<std::int64_t> out{range.lo};
    if (std::min(range.hi, kMaxSettableId) != range.lo) out.push_back(std::min(range.hi, kMaxSettableId));
    return out;
  };
  std::vector<std::int64_t> auids{box[Dim::auid].lo};
  if (box[Dim::auid].hi != box[Dim::auid].lo) auids.push_back(box[Dim::auid].hi);
  const auto uids = ends(box[Dim::uid]);
  const auto euids = varied.euid ? ends(meet(box, {Dim::euid, Dim::suid, Dim::fsuid})) : std::vector<std::int64_t>{};
  const auto gids = varied.gid ? ends(box[Dim::gid]) : std::vector<std::int64_t>{};
  // Each outcome the guest can make in one of the class's regions (success, then each failure).
  std::vector<std::pair<const RegionOutcome*, std::int64_t>> outcomes;
  for (const auto* region : cls.regions)
    for (auto code : kOutcomes) {
      Preference p;
      p.outcome = code;
      p.login = region->login;
      if (point_in(region->box, region->abi, region->syscall, p, feasible)) outcomes.emplace_back(region, code);
    }
  if (outcomes.empty()) return;
  const std::size_t rounds = std::max({auids.size(), uids.size(), euids.size(), gids.size(), outcomes.size()});
  auto nth = [](const std::vector<std::int64_t>& values, std::size_t k) { return std::vector<std::int64_t>{values[k % values.size()]}; };
  for (std::size_t k = 0; k < rounds; ++k) {
    const auto& [region, code] = outcomes[k % outcomes.size()];
    Preference p;
    p.auid = nth(auids, k);
    p.uid = nth(uids, k);
    if (!euids.empty()) p.euid = nth(euids, k);
    if (!gids.empty()) p.gid = nth(gids, k);
    p.outcome = code;
    p.login = region->login;
    chooser.add_in(*region, result, p);
  }
  if (exe_rules) {
    Preference other;
    other.login = first.login;
    other.alternate_exe = true;
    chooser.add_in(first, result, other);
  }
}

}  // namespace

std::vector<Witness> choose_witnesses(const rules::RuleSet& loaded, Arch arch, const StigRule& stig, const WitnessLimits& limits,
                                      OutcomeFeasible feasible, const Predictor& predictor) {
  CheckResult result = evaluate(loaded, arch, stig);
  Chooser chooser(loaded, arch, feasible, predictor);
  const bool exe_rules = names_any(loaded, {"exe"});
  const Varied varied{names_any(loaded, {"euid", "suid", "fsuid"}), names_any(loaded, {"gid", "egid", "sgid", "fsgid"})};
  // Uncovered regions first: each needs a witness that leaves no record, made as the region's
  // callers make it (a logged-in user's command, or, where task rules are loaded and the model
  // walked them apart, a process that set its own login uid).
  for (const auto& region : result.regions) {
    if (region.fate == Fate::recorded) continue;
    Preference p;
    p.login = region.login;
    chooser.add_in(region, result, p);
  }
  for (const auto& cls : classes_of(result.regions)) add_class(chooser, cls, result, varied, exe_rules, feasible);
  // Without task rules the model judges a process that set its own login uid as any other (one
  // walk): one such caller per ABI confirms it, in the first region of that ABI.
  const bool self_walked = std::any_of(result.regions.begin(), result.regions.end(), [](const RegionOutcome& r) { return r.login == LoginMode::self; });
  if (!self_walked) {
    std::set<Abi> done;
    for (const auto& region : result.regions) {
      if (!done.insert(region.abi).second) continue;
      Preference self;
      self.login = LoginMode::self;
      chooser.add_in(region, result, self);
    }
  }
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
    // A rule narrowed by the caller's ids (V-268091: uid != euid = 0): a user's own call, its ids
    // unchanged (an exec of a program that is not setuid or setgid), is outside it.
    const bool narrowed = std::any_of(stig.required.begin(), stig.required.end(), [](const RequiredEvents& r) { return !r.ids.empty(); });
    Preference own;
    own.uid = own.euid = own.gid = {1000};
    auto event = point_in(Box::everything(), abi, syscall, own, feasible);
    if (narrowed && event && !in_required_set(stig, *event)) chooser.add(event, "outside the required set: uid = euid, gid = egid", false);
  }
  auto witnesses = chooser.take();
  if (witnesses.size() > limits.max_witnesses) witnesses.resize(limits.max_witnesses);
  return witnesses;
}

}  // namespace auditvm::check
