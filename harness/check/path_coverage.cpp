#include "check/path_coverage.hpp"

#include <algorithm>
#include <map>
#include <tuple>

#include "check/event_point.hpp"
#include "core/errors.hpp"

namespace auditvm::check {

namespace {

// `dir` is a proper ancestor directory of `path` (both trimmed).
bool is_ancestor(const std::string& dir, const std::string& path) {
  if (dir == "/") return path != "/";
  return path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 && path[dir.size()] == '/';
}

// How a rule's path condition meets a required path. A required path ending in '/' is a directory
// whose entries count too.
// listed_watch: a `-w` read from a listing alone that is a tree (covers) or one inode's `-F path=`
// (on a directory: parent_only; on an ancestor: none), and nothing says which.
enum class Fit { none, covers, parent_only, listed_watch };

struct RuleFit {
  Fit fit = Fit::none;
  std::string perms;          // the rule's perm letters; empty: every access
  const rules::SyscallRule* body = nullptr;  // the exit rule's other conditions (none for a watch)
  std::vector<std::string> keys;
  bool at_path = false;  // a watch of the required path itself (not of an ancestor)
};

RuleFit fit_of(const rules::Rule& rule, const std::string& required_path) {
  const bool directory = required_path.size() > 1 && required_path.back() == '/';
  const std::string wanted = rules::without_trailing_slashes(required_path);
  RuleFit out;
  if (const auto* watch = rule.watch_rule()) {
    // auditctl makes -w on a directory a dir= tree; a watch on an ancestor of the path is one, and
    // the STIG names its directories with a trailing '/', as they are on NixOS.
    const std::string at = rules::without_trailing_slashes(watch->path);
    if (at == wanted || is_ancestor(at, wanted)) out.fit = Fit::covers;
    if (out.fit == Fit::covers && watch->maybe_path_rule && (directory || at != wanted)) out.fit = Fit::listed_watch;
    out.at_path = at == wanted;
    out.perms = watch->perms;
    out.keys = watch->keys;
    return out;
  }
  const auto* body = rule.syscall_rule();
  if (body == nullptr || body->list != rules::List::exit) return out;
  out.body = body;
  out.keys = body->keys;
  out.fit = Fit::covers;  // a rule without path or dir fields selects every path
  for (const auto& field : body->fields) {
    if (field.field == "perm") out.perms = field.value;
    if (field.field != "path" && field.field != "dir") continue;
    const std::string at = rules::without_trailing_slashes(field.value);
    Fit fit = Fit::none;
    if (field.field == "dir" && (at == wanted || is_ancestor(at, wanted))) fit = Fit::covers;
    // path= is one inode: for a directory it matches the calls that name it as the parent (an
    // entry created, renamed or removed), not those on an existing entry.
    if (field.field == "path" && at == wanted) fit = directory ? Fit::parent_only : Fit::covers;
    if (fit == Fit::none || out.fit == Fit::none) out.fit = Fit::none;
    else if (fit == Fit::parent_only) out.fit = Fit::parent_only;
  }
  return out;
}

bool perm_allows(const std::string& perms, char letter) { return perms.empty() || perms.find(letter) != std::string::npos; }

// The rule's conditions other than path, dir and perm (decided above), as a region of ids and outcomes.
RuleRegion other_conditions(const rules::SyscallRule& body) {
  rules::SyscallRule rest = body;
  rest.fields.erase(std::remove_if(rest.fields.begin(), rest.fields.end(),
                                   [](const rules::FieldCondition& f) { return f.field == "path" || f.field == "dir" || f.field == "perm"; }),
                    rest.fields.end());
  return rule_region(rest);  // -C is split where the ids decide it (follow_access)
}

bool selects_abi(const rules::SyscallRule& body, Abi abi) { return !body.abi || (*body.abi == abi) != body.abi_negated; }

struct Decided {
  Box box;
  Fate fate;
  int line;
  std::string key;
  std::string reason;
};

// Follows `region` of accesses (`letter`) of `path` on `abi` through the loaded lists. `syscall`: the
// number of one concrete call on `abi`; none: every call that makes the access, so a rule naming
// only some system calls never decides the whole of it.
std::vector<Decided> follow_access(const LoadedLists& lists, Abi abi, const std::string& path, char letter, const Box& region,
                                   std::optional<int> syscall, bool names_parent = false, bool creat_of_existing = false) {
  std::vector<Decided> out;
  if (lists.auditing_disabled) return {{region, Fate::suppressed, 0, "", "auditing is disabled (-e 0)"}};
  if (!lists.task.empty())  // task rules switch whole processes on or off: not walked for paths yet
    return {{region, Fate::undecidable, lists.task.front()->line, "", "cannot prove coverage: the path model does not walk task rules (" + line_ref(*lists.task.front()) + ")"}};
  Region pending({region});
  std::vector<Decided> recorded;
  std::string partial;  // rules that record the access for only the system calls they name
  for (const auto* rule : lists.exit) {
    if (pending.empty()) break;
    RuleFit fit = fit_of(*rule, path);
    if (fit.fit == Fit::none || !perm_allows(fit.perms, letter)) continue;
    if (fit.fit == Fit::parent_only && names_parent) fit.fit = Fit::covers;
    // Either reading of a listed watch on the directory records an entry created or removed in it.
    if (fit.fit == Fit::listed_watch && names_parent && fit.at_path) fit.fit = Fit::covers;
    // What is still pending cannot be decided past this rule.
    auto undecidable_rest = [&](const std::string& why) {
      for (const auto& box : pending.boxes()) out.push_back({box, Fate::undecidable, rule->line, "", "cannot prove coverage: " + why});
      return out;
    };
    if (fit.fit == Fit::listed_watch)
      return undecidable_rest("`auditctl -l` prints " + line_ref(*rule) +
                              " alike for a -w watch (a tree) and for -F path= (one inode, no access to the entries), so only "
                              "the rules file says which (--input rules)");
    if (fit.fit == Fit::parent_only && creat_of_existing)
      return undecidable_rest("the path= rule on " + line_ref(*rule) + " matches an O_CREAT open of an existing entry on 6.1, not on 6.12");
    Region selected({Box::everything()});
    bool always = true, some_syscalls = false;
    if (fit.body) {
      if (!selects_abi(*fit.body, abi)) continue;
      always = fit.body->action == rules::Action::always;
      if (!fit.body->all_syscalls) {
        if (syscall && !std::binary_search(fit.body->syscalls.begin(), fit.body->syscalls.end(), *syscall)) continue;
        some_syscalls = !syscall;
      }
      // An always rule naming only some of the calls that make the access decides none of it,
      // whatever its conditions (V-268091's execve lines for a write); see below.
      if (always && some_syscalls) {
        if (partial.empty()) partial = "the rule on " + line_ref(*rule) + " records only the system calls it names (-S all records every call that makes the access)";
        continue;
      }
      auto conditions = other_conditions(*fit.body);
      if (!conditions.undecidable.empty()) {
        const Region unknown = pending.intersected(conditions.region);
        for (const auto& box : unknown.boxes())
          out.push_back({box, Fate::undecidable, rule->line, "", "cannot prove coverage: " + line_ref(*rule) + " uses " + conditions.undecidable});
        pending.subtract(conditions.region);
        continue;
      }
      selected = conditions.region;
    }
    Region hit = pending.intersected(selected);
    if (hit.empty()) continue;
    if (fit.body && !fit.body->comparisons.empty()) {
      // -C: exact where the ids decide it (a concrete access is a point); where a comparison
      // fails the rule does not match and the access goes on down the list.
      std::vector<Box> held;
      Region unknown_part;
      for (const auto& box : hit.boxes()) {
        auto split = split_by_comparisons(box, fit.body->comparisons);
        held.insert(held.end(), split.hold.begin(), split.hold.end());
        for (const auto& b : split.unknown) {
          out.push_back({b, Fate::undecidable, rule->line, "", "cannot prove coverage: " + line_ref(*rule) + " uses " + split.unknown_reason});
          unknown_part.add(Region({b}));
        }
      }
      pending.subtract(unknown_part);
      hit = Region(held);
      if (hit.empty()) continue;
    }
    const std::string key = fit.keys.empty() ? "" : fit.keys.front();
    if (fit.fit == Fit::parent_only || some_syscalls) {
      if (!always) {  // suppresses some of the calls: those are lost
        for (const auto& box : hit.boxes())
          out.push_back({box, Fate::suppressed, rule->line, "", "suppressed for the system calls it names by the never rule on " + line_ref(*rule)});
        pending.subtract(hit);
      } else if (partial.empty()) {
        partial = fit.fit == Fit::parent_only
                      ? "the path= rule on " + line_ref(*rule) + " matches the directory itself (entries created or removed), not access to its entries (use -w or dir=)"
                      : "the rule on " + line_ref(*rule) + " records only the system calls it names (-S all records every call that makes the access)";
      }
      continue;
    }
    for (const auto& box : hit.boxes())
      (always ? recorded : out).push_back({box, always ? Fate::recorded : Fate::suppressed, rule->line, always ? key : "",
                                           always ? "recorded by " + line_ref(*rule) : "suppressed by the never rule on " + line_ref(*rule)});
    pending.subtract(hit);
  }
  for (const auto& box : pending.boxes()) out.push_back({box, Fate::no_rule, 0, "", partial.empty() ? "no rule records it" : partial});
  // The exclude list drops the SYSCALL record, and with it the event.
  for (auto& piece : recorded) {
    std::vector<Decided> pieces{piece};
    for (const auto* rule : lists.exclude) {
      auto conditions = rule_region(*rule->syscall_rule());
      std::vector<Decided> kept;
      for (auto& p : pieces) {
        Box records = p.box;
        records[Dim::msgtype] = {kSyscallMsgType, kSyscallMsgType};
        Region rest({records});
        Region dropped = rest.intersected(conditions.region);
        rest.subtract(conditions.region);
        const Fate fate = conditions.undecidable.empty() ? Fate::suppressed : Fate::undecidable;
        for (const auto& box : dropped.boxes())
          out.push_back({box, fate, rule->line, "", (conditions.undecidable.empty() ? "SYSCALL record dropped by the exclude rule on " : "cannot prove coverage: exclude rule on ") + line_ref(*rule)});
        for (const auto& box : rest.boxes()) kept.push_back({box, p.fate, p.line, p.key, p.reason});
      }
      pieces = std::move(kept);
    }
    out.insert(out.end(), pieces.begin(), pieces.end());
  }
  return out;
}

std::string outcome_text(const Box& box) {
  const Interval& success = box[Dim::success];
  if (success.lo == 0 && success.hi == 1) return "success and failure";
  return success.lo == 1 ? "success" : "failure";
}

}  // namespace

char perm_letter(const std::string& access, const InputLocation& where) {
  if (access == "read") return 'r';
  if (access == "write") return 'w';
  if (access == "exec") return 'x';
  if (access == "attr") return 'a';
  throw InputError(where, "unknown access \"" + access + "\": expected write, attr, read or exec");
}

namespace {

// Every piece of every required (ABI, access, path, auid range), the uncovered ones grouped into
// `result` for people (the piece's `group`).
std::vector<AccessPiece> judge_pieces(const rules::RuleSet& rules, const StigRule& stig, CheckResult& result) {
  LoadedLists lists = arrange(rules);
  using GroupKey = std::tuple<Abi, std::string, std::string, Fate, int>;  // abi, who, reason, fate, line
  std::map<GroupKey, std::pair<std::vector<std::string>, std::string>> groups;  // -> accesses, outcome
  std::map<GroupKey, int> group_index;
  std::vector<GroupKey> order;
  std::vector<AccessPiece> pieces;
  bool undecidable = false;
  for (std::size_t r = 0; r < stig.required_access.size(); ++r) {
    const auto& required = stig.required_access[r];
    for (Abi abi : all_abis()) {  // both kernels run 32-bit programs: the rules must hold for them too
      for (const auto& access : required.access) {
        const char letter = perm_letter(access, {stig.source.string(), 0, "/required/" + std::to_string(r) + "/access"});
        for (const auto& path : required.paths) {
          for (const auto& auids : required.auids) {
            Box box = Box::everything();
            box[Dim::auid] = auids;
            if (!(required.successes && required.failures)) box[Dim::success] = required.successes ? Interval{1, 1} : Interval{0, 0};
            for (const auto& piece : follow_access(lists, abi, path, letter, box, std::nullopt)) {
              pieces.push_back({abi, access, path, piece.box, piece.fate, piece.line, piece.key, piece.reason, -1});
              if (piece.fate == Fate::recorded) continue;
              undecidable |= piece.fate == Fate::undecidable;
              GroupKey key{abi, who_text(piece.box), piece.reason, piece.fate, piece.line};
              auto [it, fresh] = groups.try_emplace(key);
              if (fresh) {
                group_index[key] = static_cast<int>(order.size());
                order.push_back(key);
              }
              pieces.back().group = group_index[key];
              const std::string what = access + " " + path;
              auto& [accesses, outcome] = it->second;
              if (std::find(accesses.begin(), accesses.end(), what) == accesses.end()) accesses.push_back(what);
              const std::string text = outcome_text(piece.box);
              outcome = outcome.empty() || outcome == text ? text : "success and failure";
            }
          }
        }
      }
    }
  }
  for (const auto& key : order) {
    const auto& [accesses, outcome] = groups[key];
    const auto& [abi, who, reason, fate, line] = key;
    result.uncovered.push_back({abi, accesses, who, outcome, fate, line, reason});
  }
  if (undecidable) result.notes.push_back("cannot prove coverage for some required accesses (see uncovered)");
  result.verdict = result.uncovered.empty() ? Verdict::NotAFinding : Verdict::Open;
  return pieces;
}

}  // namespace

void judge_path_coverage(const rules::RuleSet& rules, Arch, const StigRule& stig, CheckResult& result) { judge_pieces(rules, stig, result); }

std::vector<AccessPiece> access_pieces(const rules::RuleSet& rules, Arch, const StigRule& stig) {
  CheckResult result;
  return judge_pieces(rules, stig, result);
}

Prediction predict_access(const rules::RuleSet& rules, Arch arch, const PathAccess& access) {
  const Event& event = access.event;
  const int number = syscall_of(arch, event);
  const Box point = event_point(event);
  auto outcomes = follow_access(arrange(rules), event.abi, access.path, perm_letter(access.access, {"", 0, "access"}), point, number, access.names_parent, access.creat_of_existing);
  const auto& outcome = outcomes.front();  // a point lands in exactly one piece
  return {outcome.fate, outcome.line, outcome.key, outcome.reason};
}

}  // namespace auditvm::check
