#include "check/coverage.hpp"

#include <algorithm>
#include <map>
#include <regex>
#include <set>
#include <tuple>

#include "check/event_point.hpp"
#include "check/path_coverage.hpp"
#include "check/success_exits.hpp"
#include "core/errors.hpp"
#include "rules/canonical.hpp"
#include "rules/parser.hpp"
#include "rules/syscall_table.hpp"
#include "rules/values.hpp"

namespace auditvm::check {

std::string_view to_string(Verdict verdict) { return verdict == Verdict::NotAFinding ? "NotAFinding" : "Open"; }

std::string_view to_string(LoginMode mode) { return mode == LoginMode::inherited ? "inherited" : "self"; }

std::string UncoveredGroup::text() const {
  std::string names;
  for (const auto& name : syscalls) names += (names.empty() ? "" : ", ") + name;
  return std::string(to_string(abi)) + " " + names + ", " + who + ", " + outcome + ": " + reason;
}

namespace {

std::string range_text(const Interval& range) {
  if (range.lo == range.hi) return std::to_string(range.lo);
  return std::to_string(range.lo) + ".." + std::to_string(range.hi);
}

// Failure exits as return codes (-4095..-1), not as the u32 the kernel compares.
std::string exit_range_text(const Interval& range) { return range_text({return_code_of(range.lo), return_code_of(range.hi)}); }

}  // namespace

// The ids a box is about: auid always, other ids only where a rule narrowed them.
std::string who_text(const Box& box) {
  std::string out = "auid " + range_text(box[Dim::auid]);
  for (Dim dim : {Dim::uid, Dim::euid, Dim::suid, Dim::fsuid, Dim::gid, Dim::egid, Dim::sgid, Dim::fsgid}) {
    Interval full = full_range(dim);
    if (box[dim].lo != full.lo || box[dim].hi != full.hi) out += ", " + std::string(dim_name(dim)) + " " + range_text(box[dim]);
  }
  return out;
}

namespace {

// The required region of one call: auid ranges x outcomes (success: the exits a successful call
// returns; failure: -errno).
std::vector<Box> required_boxes(const RequiredEvents& required, const std::string& syscall) {
  std::vector<Box> outcomes;
  if (required.successes) {
    Box success = Box::everything();
    success[Dim::success] = {1, 1};
    success[Dim::exit] = success_exits(syscall);
    outcomes.push_back(success);
  }
  if (required.failures) {
    Box failure = Box::everything();
    failure[Dim::success] = {0, 0};
    if (required.failure_errnos.empty()) {
      failure[Dim::exit] = kFailureExits;
      outcomes.push_back(failure);
    } else {
      for (int errno_value : required.failure_errnos) {
        failure[Dim::exit] = {exit_point(-errno_value), exit_point(-errno_value)};
        outcomes.push_back(failure);
      }
    }
  }
  std::vector<Box> boxes;
  for (const auto& auid : required.auids)
    for (Box box : outcomes) {
      box[Dim::auid] = auid;
      for (const auto& [dim, range] : required.ids) box[dim] = range;
      boxes.push_back(box);
    }
  return boxes;
}

bool is_word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// grep -w: the word occurs delimited by non-word characters.
bool contains_word(const std::string& line, const std::string& word) {
  for (size_t at = line.find(word); at != std::string::npos; at = line.find(word, at + 1)) {
    bool left = at == 0 || !is_word_char(line[at - 1]);
    bool right = at + word.size() == line.size() || !is_word_char(line[at + word.size()]);
    if (left && right) return true;
  }
  return false;
}

// The STIG's own note: "The -k value is arbitrary". Compare rules without their keys.
std::string without_keys(rules::Rule rule, Arch arch) {
  if (auto* body = std::get_if<rules::SyscallRule>(&rule.body)) body->keys.clear();
  if (auto* watch = std::get_if<rules::WatchRule>(&rule.body)) watch->keys.clear();
  return rules::canonical_text(rule, arch);
}

void compare_literally(const rules::RuleSet& rules, Arch arch, const StigRule& stig, CheckResult& result) {
  std::set<std::string> loaded;
  for (const auto& rule : rules.rules) {
    std::string text = rules::canonical_text(rule, arch);
    loaded.insert(without_keys(rule, arch));
    if (!stig.grep_word.empty() && contains_word(text, stig.grep_word)) result.grep_match = true;
  }
  for (size_t i = 0; i < stig.literal_rules.size(); ++i) {
    try {
      auto expected = rules::parse_rule_line(stig.literal_rules[i], arch, stig.source.string(), 0);
      if (!loaded.count(without_keys(expected, arch))) result.missing_literal.push_back(stig.literal_rules[i]);
    } catch (const InputError& e) {
      // The STIG's own line cannot load on this arch (aarch64 lacks rename, open, ...).
      result.missing_literal.push_back(stig.literal_rules[i]);
      result.notes.push_back("the check text's line \"" + stig.literal_rules[i] + "\" cannot load on " +
                             std::string(to_string(arch)) + ": " + e.detail());
    }
  }
  result.literal_match = result.missing_literal.empty();
}

// Describes a set of uncovered pieces of one (abi, who, reason): which outcomes they span.
struct OutcomeFlags {
  bool success = false;
  bool any_failure = false;
  std::set<std::int64_t> failure_exits;
  std::set<std::string> failure_ranges;
  std::string text() const {
    std::string failure;
    if (any_failure) failure = "failure";
    else if (!failure_exits.empty() || !failure_ranges.empty()) {
      failure = "failure with exit ";
      std::string list;
      for (auto value : failure_exits) list += (list.empty() ? "" : ", ") + std::to_string(value) + " (" + rules::errno_name(static_cast<int>(-value)) + ")";
      for (const auto& range : failure_ranges) list += (list.empty() ? "" : ", ") + range;
      failure += list;
    }
    if (success && !failure.empty()) return any_failure ? "success and failure" : "success and " + failure;
    return success ? "success" : failure;
  }
};

}  // namespace

CheckResult evaluate(const rules::RuleSet& rules, Arch arch, const StigRule& stig) {
  // A state check has no required events: "all of none are recorded" would read NotAFinding.
  if (stig.kind == "status")
    throw InputError({stig.source.string(), 0, "/kind"}, stig.group_id + " is a status check: it needs a guest's state, not rules");
  CheckResult result;
  result.group_id = stig.group_id;
  compare_literally(rules, arch, stig, result);
  if (stig.kind == "path_coverage") {
    judge_path_coverage(rules, arch, stig, result);
    return result;
  }
  LoadedLists lists = arrange(rules);

  // (abi, who, reason, fate, line) -> syscalls (in required order) and outcomes.
  using GroupKey = std::tuple<Abi, std::string, std::string, Fate, int>;
  std::map<GroupKey, std::pair<std::vector<std::string>, OutcomeFlags>> groups;
  std::vector<GroupKey> order;
  bool undecidable = false;
  // The STIG's population is every process of a logged-in user: those forked after the login uid
  // was set (the user's commands) and the one that set it itself (the login daemon's session, which
  // becomes the user's shell by exec). The task list judges the latter at fork, as auid unset and
  // root; without task rules the two are judged alike, so only one is walked.
  std::vector<LoginMode> logins{LoginMode::inherited};
  if (!lists.task.empty()) logins.push_back(LoginMode::self);
  for (const auto& required : stig.required) {
    for (Abi abi : required.abis) {
      for (const auto& name : required.syscalls) {
        const auto boxes = required_boxes(required, name);
        auto number = rules::syscall_number(arch, abi, name);
        if (!number) {
          result.notes.push_back(std::string(to_string(abi)) + " " + name + " is not required: it does not exist on " +
                                 std::string(audit_machine_name(arch, abi)));
          continue;
        }
        for (const auto& box : boxes) {
         for (LoginMode login : logins) {
          auto forked_as = login == LoginMode::self ? std::optional<Box>(forked_before_login()) : std::nullopt;
          for (const auto& outcome : follow(lists, arch, abi, *number, box, forked_as)) {
            result.regions.push_back({abi, name, outcome.box, outcome.fate, outcome.rule_line, outcome.reason, -1, login});
            if (outcome.fate == Fate::recorded) continue;
            undecidable |= outcome.fate == Fate::undecidable;
            std::string who = who_text(outcome.box) + (login == LoginMode::self ? ", login uid set by the process itself" : "");
            GroupKey key{abi, who, outcome.reason, outcome.fate, outcome.rule_line};
            auto [it, fresh] = groups.try_emplace(key);
            if (fresh) order.push_back(key);
            result.regions.back().group = static_cast<int>(std::find(order.begin(), order.end(), key) - order.begin());
            auto& [syscalls, flags] = it->second;
            if (std::find(syscalls.begin(), syscalls.end(), name) == syscalls.end()) syscalls.push_back(name);
            const Interval& exit = outcome.box[Dim::exit];
            if (outcome.box[Dim::success].hi == 1) flags.success = true;
            if (outcome.box[Dim::success].lo == 0) {
              if (exit.lo <= kFailureExits.lo && exit.hi >= kFailureExits.hi) flags.any_failure = true;
              else if (exit.lo == exit.hi) flags.failure_exits.insert(return_code_of(exit.lo));
              else flags.failure_ranges.insert(exit_range_text(exit));
            }
          }
         }
        }
      }
    }
  }
  for (const auto& key : order) {
    const auto& [syscalls, flags] = groups[key];
    const auto& [abi, who, reason, fate, line] = key;
    result.uncovered.push_back({abi, syscalls, who, flags.text(), fate, line, reason});
  }
  if (undecidable) result.notes.push_back("cannot prove coverage for some required events (see uncovered)");
  result.verdict = result.uncovered.empty() ? Verdict::NotAFinding : Verdict::Open;
  return result;
}

int syscall_of(Arch arch, const Event& event) {
  auto number = rules::syscall_number(arch, event.abi, event.syscall);
  if (!number)
    throw InputError({"", 0, event.syscall}, "no such system call on " + std::string(audit_machine_name(arch, event.abi)));
  return *number;
}

Box event_point(const Event& event) {
  Box point = Box::everything();
  auto pin = [&](Dim dim, std::int64_t value) { point[dim] = {value, value}; };
  pin(Dim::auid, event.auid);
  pin(Dim::uid, event.uid);
  for (Dim dim : {Dim::euid, Dim::suid, Dim::fsuid}) pin(dim, event.euid);
  pin(Dim::gid, event.gid);
  for (Dim dim : {Dim::egid, Dim::sgid, Dim::fsgid}) pin(dim, event.egid.value_or(event.gid));
  pin(Dim::success, event.success ? 1 : 0);
  pin(Dim::exit, exit_point(event.exit_code));
  return point;
}

Prediction predict(const rules::RuleSet& rules, Arch arch, const Event& event) {
  const int number = syscall_of(arch, event);
  const Box point = event_point(event);
  // The task list judged the process at fork: by these ids, or, had it set its own login uid
  // after the fork, as its parent was (measured: README, "Kernel semantics, as measured").
  auto forked_as = event.login == LoginMode::self ? std::optional<Box>(forked_before_login()) : std::nullopt;
  auto outcomes = follow(arrange(rules), arch, event.abi, number, point, forked_as);
  // A point lands in exactly one outcome.
  const Outcome& outcome = outcomes.front();
  return {outcome.fate, outcome.rule_line, outcome.key, outcome.reason};
}

std::string outcome_name(const Event& event) { return event.success ? "success" : rules::errno_name(static_cast<int>(-event.exit_code)); }

std::string describe(const Event& event) {
  std::string out = std::string(to_string(event.abi)) + " " + event.syscall + ", auid " +
                    (event.auid == rules::kUnsetId ? std::string("unset") : std::to_string(event.auid)) + ", uid " + std::to_string(event.uid);
  if (event.euid != event.uid) out += ", euid " + std::to_string(event.euid);
  if (event.gid != 0) out += ", gid " + std::to_string(event.gid);
  if (event.egid && *event.egid != event.gid) out += ", egid " + std::to_string(*event.egid);
  if (event.login == LoginMode::self) out += ", login uid set by itself";
  if (event.alternate_exe) out += ", alternate executable";
  return out + ", " + outcome_name(event);
}

bool in_required_set(const StigRule& stig, const Event& event) {
  for (const auto& required : stig.required) {
    if (std::find(required.abis.begin(), required.abis.end(), event.abi) == required.abis.end()) continue;
    if (std::find(required.syscalls.begin(), required.syscalls.end(), event.syscall) == required.syscalls.end()) continue;
    if (event.success ? !required.successes : !required.failures) continue;
    if (!event.success && !required.failure_errnos.empty() &&
        std::find(required.failure_errnos.begin(), required.failure_errnos.end(), static_cast<int>(-event.exit_code)) == required.failure_errnos.end())
      continue;
    auto id_of = [&](Dim dim) -> std::int64_t {
      switch (dim) {
        case Dim::uid: return event.uid;
        case Dim::euid: case Dim::suid: case Dim::fsuid: return event.euid;
        case Dim::gid: return event.gid;
        default: return event.egid.value_or(event.gid);
      }
    };
    if (!std::all_of(required.ids.begin(), required.ids.end(), [&](const auto& id) { return id_of(id.first) >= id.second.lo && id_of(id.first) <= id.second.hi; }))
      continue;
    for (const auto& range : required.auids)
      if (event.auid >= range.lo && event.auid <= range.hi) return true;
  }
  return false;
}

}  // namespace auditvm::check
