#include "check/kernel_model.hpp"

#include <algorithm>

#include "check/rule_lists.hpp"

namespace auditvm::check {

std::string_view to_string(Fate fate) {
  switch (fate) {
    case Fate::recorded: return "recorded";
    case Fate::suppressed: return "suppressed";
    case Fate::no_rule: return "no rule";
    case Fate::undecidable: return "cannot prove coverage";
  }
  return "?";
}

namespace {

// The events where `dim op value` holds. value and every dimension are u32 held in int64, so the
// +/- 1 below cannot overflow.
Region condition_region(Dim dim, rules::Op op, std::uint32_t value) {
  std::vector<Box> boxes;
  if (dim == Dim::success) {
    // The kernel compares return_valid (1 success, 2 failure) with 1 for a nonzero value, else 2.
    for (std::int64_t success : {0, 1}) {
      if (!audit_comparator(success ? 1U : 2U, op, value ? 1U : 2U)) continue;
      Box box = Box::everything();
      box[dim] = {success, success};
      boxes.push_back(box);
    }
    return Region(std::move(boxes));
  }
  Interval full = full_range(dim);
  const std::int64_t v = value;
  auto slab = [&](std::int64_t lo, std::int64_t hi) {
    Box box = Box::everything();
    box[dim] = {std::max(lo, full.lo), std::min(hi, full.hi)};
    return box;
  };
  switch (op) {
    case rules::Op::eq: boxes = {slab(v, v)}; break;
    case rules::Op::ne: boxes = {slab(full.lo, v - 1), slab(v + 1, full.hi)}; break;
    case rules::Op::lt: boxes = {slab(full.lo, v - 1)}; break;
    case rules::Op::le: boxes = {slab(full.lo, v)}; break;
    case rules::Op::gt: boxes = {slab(v + 1, full.hi)}; break;
    case rules::Op::ge: boxes = {slab(v, full.hi)}; break;
    default: break;
  }
  boxes.erase(std::remove_if(boxes.begin(), boxes.end(), [](const Box& b) { return b.empty(); }), boxes.end());
  return Region(std::move(boxes));
}

bool selects_syscall(const rules::SyscallRule& rule, Abi abi, int syscall) {
  // Without -F arch the rule carries native numbers and matches them on every ABI.
  // arch!= X: every other ABI, matched with X's numbers (measured: -F arch!=b32 -S finit_module
  // misses b64 finit_module on x86_64, the number is i386's).
  if (rule.abi && (*rule.abi == abi) == rule.abi_negated) return false;
  if (rule.all_syscalls) return true;
  return std::binary_search(rule.syscalls.begin(), rule.syscalls.end(), syscall);
}

struct Piece {
  Box box;
  std::string taint;  // a rule that might have matched but the model cannot tell
};

std::vector<Piece> subtract_region(const std::vector<Piece>& pieces, const Region& cut) {
  std::vector<Piece> out;
  for (const auto& piece : pieces) {
    std::vector<Box> rest{piece.box};
    for (const auto& box : cut.boxes()) {
      std::vector<Box> next;
      for (const auto& r : rest) {
        auto parts = subtract(r, box);
        next.insert(next.end(), parts.begin(), parts.end());
      }
      rest = std::move(next);
    }
    for (const auto& r : rest) out.push_back({r, piece.taint});
  }
  return out;
}

std::vector<Piece> intersect_region(const std::vector<Piece>& pieces, const Region& with) {
  std::vector<Piece> out;
  for (const auto& piece : pieces)
    for (const auto& box : with.boxes())
      if (auto both = intersect(piece.box, box)) out.push_back({*both, piece.taint});
  return out;
}

Outcome decided(const Piece& piece, Fate fate, const rules::Rule* rule, std::string reason) {
  Outcome out{piece.box, fate, rule ? rule->line : 0, "", std::move(reason)};
  if (rule && fate == Fate::recorded && rule->syscall_rule() && !rule->syscall_rule()->keys.empty())
    out.key = rule->syscall_rule()->keys.front();
  return out;
}

}  // namespace

bool audit_comparator(std::uint32_t left, rules::Op op, std::uint32_t right) {
  switch (op) {
    case rules::Op::eq: return left == right;
    case rules::Op::ne: return left != right;
    case rules::Op::lt: return left < right;
    case rules::Op::le: return left <= right;
    case rules::Op::gt: return left > right;
    case rules::Op::ge: return left >= right;
    case rules::Op::bitmask: return (left & right) != 0;
    case rules::Op::bittest: return (left & right) == right;
  }
  return false;
}

namespace {

std::string field_text(const rules::FieldCondition& field) { return "-F " + field.field + std::string(rules::to_string(field.op)) + field.value; }

}  // namespace

RuleRegion rule_region(const rules::SyscallRule& rule) {
  RuleRegion out{Region({Box::everything()}), ""};
  // At fork there is no syscall context: -F arch= and arch!= compare nothing on the task list.
  if (rule.list == rules::List::task && rule.abi) return {Region(), ""};
  // audit_filter (the exclude list) needs a field that holds: a rule without fields matches nothing.
  if (rule.list == rules::List::exclude && rule.fields.empty()) return {Region(), ""};
  for (const auto& field : rule.fields) {
    if (rule.list == rules::List::task) {
      // At fork there is no syscall context (arch, a0..a3 compare nothing) and audit_exe_compare
      // only looks at the current task, not the child being forked: these never hold, exe!= always.
      if (field.field == "arch" || (field.field.size() == 2 && field.field[0] == 'a' && field.field[1] >= '0' && field.field[1] <= '3') ||
          (field.field == "exe" && field.op == rules::Op::eq)) {
        out.region = Region();
        continue;
      }
      if (field.field == "exe") continue;
    }
    auto dim = dim_of_field(field.field);
    if (!dim || !field.number || field.op == rules::Op::bitmask || field.op == rules::Op::bittest) {
      if (out.undecidable.empty()) out.undecidable = field_text(field);
      continue;
    }
    out.region = out.region.intersected(condition_region(*dim, field.op, *field.number));
  }
  return out;
}

namespace {

std::string comparison_text(const rules::FieldComparison& cmp) { return "-C " + cmp.left + std::string(rules::to_string(cmp.op)) + cmp.right; }

// One comparison on one box (two ids of the same call, = or !=).
void split_one(const Box& box, const rules::FieldComparison& cmp, ComparisonSplit& out) {
  auto left = dim_of_field(cmp.left), right = dim_of_field(cmp.right);
  const bool eq = cmp.op == rules::Op::eq;
  if (!left || !right || (cmp.op != rules::Op::eq && cmp.op != rules::Op::ne)) {
    out.unknown.push_back(box);
    if (out.unknown_reason.empty()) out.unknown_reason = comparison_text(cmp);
    return;
  }
  const Interval l = box[*left], r = box[*right];
  if (std::max(l.lo, r.lo) > std::min(l.hi, r.hi)) {  // the ranges do not meet: never equal
    (eq ? out.fail : out.hold).push_back(box);
    return;
  }
  // One side a single value v: the other side splits into v and the rest.
  std::optional<Dim> other;
  std::int64_t v = 0;
  if (l.lo == l.hi) other = *right, v = l.lo;
  else if (r.lo == r.hi) other = *left, v = r.lo;
  if (!other) {
    out.unknown.push_back(box);
    if (out.unknown_reason.empty()) out.unknown_reason = comparison_text(cmp);
    return;
  }
  Box same = box;
  same[*other] = {v, v};
  (eq ? out.hold : out.fail).push_back(same);
  for (const auto& rest : subtract(box, same)) (eq ? out.fail : out.hold).push_back(rest);
}

}  // namespace

ComparisonSplit split_by_comparisons(const Box& box, const std::vector<rules::FieldComparison>& comparisons) {
  ComparisonSplit out;
  out.hold = {box};
  for (const auto& cmp : comparisons) {
    ComparisonSplit next;
    next.unknown_reason = out.unknown_reason;
    for (const auto& b : out.hold) split_one(b, cmp, next);
    // A part already unknown stays unknown unless this comparison fails on all of it.
    for (const auto& b : out.unknown) {
      ComparisonSplit probe;
      split_one(b, cmp, probe);
      next.fail.insert(next.fail.end(), probe.fail.begin(), probe.fail.end());
      next.unknown.insert(next.unknown.end(), probe.hold.begin(), probe.hold.end());
      next.unknown.insert(next.unknown.end(), probe.unknown.begin(), probe.unknown.end());
      if (next.unknown_reason.empty()) next.unknown_reason = probe.unknown_reason;
    }
    next.fail.insert(next.fail.begin(), out.fail.begin(), out.fail.end());
    out = std::move(next);
  }
  return out;
}

Box forked_before_login() {
  Box box = Box::everything();
  box[Dim::auid] = {rules::kUnsetId, rules::kUnsetId};
  for (Dim dim : {Dim::uid, Dim::euid, Dim::suid, Dim::fsuid, Dim::gid, Dim::egid, Dim::sgid, Dim::fsgid}) box[dim] = {0, 0};
  return box;
}

LoadedLists arrange(const rules::RuleSet& rules) {
  // The kernel's order: -a appends, -A prepends, -d deletes the first identical rule, -D clears.
  auto replayed = replay(rules);
  LoadedLists lists;
  lists.task = replayed.lists.list(rules::List::task);
  lists.exit = replayed.lists.list(rules::List::exit);  // with the watches
  lists.exclude = replayed.lists.list(rules::List::exclude);
  lists.auditing_disabled = replayed.enabled == 0;
  return lists;
}

std::vector<Outcome> follow(const LoadedLists& lists, Arch, Abi abi, int syscall, const Box& region, const std::optional<Box>& forked_as) {
  std::vector<Outcome> outcomes;
  Box syscall_records = region;
  syscall_records[Dim::msgtype] = {kSyscallMsgType, kSyscallMsgType};
  std::vector<Piece> pending{{syscall_records, ""}};
  if (lists.auditing_disabled) {
    outcomes.push_back({syscall_records, Fate::suppressed, 0, "", "auditing is disabled (-e 0)"});
    return outcomes;
  }
  std::vector<std::pair<Piece, const rules::Rule*>> recorded;  // before the exclude list
  std::vector<std::string> recorded_reason;
  auto record = [&](const Piece& piece, const rules::Rule* rule, std::string reason) {
    recorded.emplace_back(piece, rule);
    recorded_reason.push_back(std::move(reason));
  };
  // Task list, once at fork, first match decides: never switches syscall auditing off for the
  // task, always records every syscall of it and the exit list is not consulted (its context has
  // the highest priority, so no exit rule outranks it).
  const std::string judged = forked_as ? " (judged at fork, before the process set its own login uid: auid unset, root)" : "";
  for (const auto* rule : lists.task) {
    if (pending.empty()) break;
    const auto& body = *rule->syscall_rule();
    auto selected = rule_region(body);
    std::vector<Piece> hit, rest;
    if (forked_as) {
      // Every pending event of this walk shares the fork-time ids: the rule matches all or none.
      bool matches = !intersect_region({{*forked_as, ""}}, selected.region).empty();
      (matches ? hit : rest) = pending;
    } else {
      hit = intersect_region(pending, selected.region);
      rest = subtract_region(pending, selected.region);
    }
    if (hit.empty()) continue;
    const std::string what = std::string(body.action == rules::Action::never ? "never" : "always") + ",task rule on " + line_ref(*rule);
    if (!selected.undecidable.empty()) {
      if (body.action == rules::Action::always) {
        // It may record these events, or not: they go on to the exit list, remembered as unprovable.
        for (auto& piece : hit) {
          if (piece.taint.empty()) piece.taint = what + " uses " + selected.undecidable;
          rest.push_back(piece);
        }
      } else {
        for (const auto& piece : hit) outcomes.push_back(decided(piece, Fate::undecidable, rule, "cannot prove coverage: " + what + " uses " + selected.undecidable));
      }
    } else if (body.action == rules::Action::never) {
      for (const auto& piece : hit) outcomes.push_back(decided(piece, Fate::suppressed, rule, "task auditing switched off by " + what + judged));
    } else {
      for (const auto& piece : hit) record(piece, rule, "every syscall of the task recorded by " + what + judged);
    }
    pending = std::move(rest);
  }
  // Exit list: first match decides.
  for (const auto* rule : lists.exit) {
    if (pending.empty()) break;
    const auto* body = rule->syscall_rule();
    if (body == nullptr) {  // a watch: can only add records, and only for file syscalls: never counts as coverage
      continue;
    }
    if (!selects_syscall(*body, abi, syscall)) continue;
    auto selected = rule_region(*body);
    auto hit = intersect_region(pending, selected.region);
    if (hit.empty()) continue;
    std::vector<Piece> next = subtract_region(pending, selected.region);
    // -C: exact where decided, the rest unknown; where a comparison fails the rule does not match.
    std::vector<Piece> matched, unknown;
    std::string unknown_reason = selected.undecidable;
    for (const auto& piece : hit) {
      auto split = split_by_comparisons(piece.box, body->comparisons);
      for (const auto& b : split.fail) next.push_back({b, piece.taint});
      auto& sure = selected.undecidable.empty() ? matched : unknown;
      for (const auto& b : split.hold) sure.push_back({b, piece.taint});
      for (const auto& b : split.unknown) unknown.push_back({b, piece.taint});
      if (unknown_reason.empty()) unknown_reason = split.unknown_reason;
    }
    const bool always = body->action == rules::Action::always;
    for (auto& piece : unknown) {
      if (always) {
        // It may record these events, or not: they fall through, remembered as unprovable.
        if (piece.taint.empty()) piece.taint = "always rule on " + line_ref(*rule) + " uses " + unknown_reason;
        next.push_back(piece);
      } else {
        outcomes.push_back(decided(piece, Fate::undecidable, rule, "cannot prove coverage: never rule on " + line_ref(*rule) + " uses " + unknown_reason));
      }
    }
    for (const auto& piece : matched) {
      if (always) record(piece, rule, "recorded by rule on " + line_ref(*rule));
      else if (!piece.taint.empty()) outcomes.push_back(decided(piece, Fate::undecidable, rule, "cannot prove coverage: " + piece.taint + ", then suppressed by never rule on " + line_ref(*rule)));
      else outcomes.push_back(decided(piece, Fate::suppressed, rule, "suppressed by never rule on " + line_ref(*rule)));
    }
    pending = std::move(next);
  }
  for (const auto& piece : pending)
    outcomes.push_back(piece.taint.empty() ? decided(piece, Fate::no_rule, nullptr, "no rule")
                                           : decided(piece, Fate::undecidable, nullptr, "cannot prove coverage: " + piece.taint));
  // Exclude list: every record is filtered as it is made; any matching rule drops it, always and
  // never alike (audit_filter). A dropped SYSCALL record ends the event: audit_log_exit writes
  // nothing else (no PATH, CWD, PROCTITLE) once it cannot start the SYSCALL record.
  for (size_t i = 0; i < recorded.size(); ++i) {
    const auto& [piece, rule] = recorded[i];
    std::vector<Piece> kept{piece};
    for (const auto* exclude : lists.exclude) {
      auto selected = rule_region(*exclude->syscall_rule());
      for (const auto& hit : intersect_region(kept, selected.region)) {
        if (!selected.undecidable.empty())
          outcomes.push_back(decided(hit, Fate::undecidable, exclude, "cannot prove coverage: exclude rule on " + line_ref(*exclude) + " uses " + selected.undecidable));
        else
          outcomes.push_back(decided(hit, Fate::suppressed, exclude, "SYSCALL records (and so the whole event) dropped by exclude rule on " + line_ref(*exclude)));
      }
      kept = subtract_region(kept, selected.region);
    }
    for (const auto& rest : kept) outcomes.push_back(decided(rest, Fate::recorded, rule, recorded_reason[i]));
  }
  return outcomes;
}

}  // namespace auditvm::check
