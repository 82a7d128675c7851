#include "check/kernel_model.hpp"

#include <algorithm>

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

constexpr std::int64_t kSyscallMsgType = 1300;  // AUDIT_SYSCALL

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
  if (rule.abi && *rule.abi != abi) return false;
  if (rule.all_syscalls) return true;
  return std::binary_search(rule.syscalls.begin(), rule.syscalls.end(), syscall);
}

std::string line_ref(const rules::Rule& rule) { return "line " + std::to_string(rule.line); }

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

RuleRegion rule_region(const rules::SyscallRule& rule) {
  RuleRegion out{Region({Box::everything()}), ""};
  for (const auto& field : rule.fields) {
    auto dim = dim_of_field(field.field);
    if (!dim || !field.number || field.op == rules::Op::bitmask || field.op == rules::Op::bittest) {
      if (out.undecidable.empty()) out.undecidable = "-F " + field.field + std::string(rules::to_string(field.op)) + field.value;
      continue;
    }
    out.region = out.region.intersected(condition_region(*dim, field.op, *field.number));
  }
  for (const auto& cmp : rule.comparisons)
    if (out.undecidable.empty()) out.undecidable = "-C " + cmp.left + std::string(rules::to_string(cmp.op)) + cmp.right;
  return out;
}

LoadedLists arrange(const rules::RuleSet& rules) {
  LoadedLists lists;
  for (const auto& rule : rules.rules) {
    if (const auto* control = rule.control()) {
      if (control->option == "-D") lists = LoadedLists{};
      if (control->option == "-e") lists.auditing_disabled = control->value == "0";
      continue;
    }
    std::vector<const rules::Rule*>* list = &lists.exit;  // watches live on the exit list
    bool prepend = false;
    if (const auto* syscall = rule.syscall_rule()) {
      prepend = syscall->prepend;
      if (syscall->list == rules::List::task) list = &lists.task;
      else if (syscall->list == rules::List::exclude) list = &lists.exclude;
      else if (syscall->list != rules::List::exit) continue;  // user/filesystem lists never see syscalls
    }
    if (prepend) list->insert(list->begin(), &rule);
    else list->push_back(&rule);
  }
  return lists;
}

std::vector<Outcome> follow(const LoadedLists& lists, Arch, Abi abi, int syscall, const Box& region) {
  std::vector<Outcome> outcomes;
  Box syscall_records = region;
  syscall_records[Dim::msgtype] = {kSyscallMsgType, kSyscallMsgType};
  std::vector<Piece> pending{{syscall_records, ""}};
  if (lists.auditing_disabled) {
    outcomes.push_back({syscall_records, Fate::suppressed, 0, "", "auditing is disabled (-e 0)"});
    return outcomes;
  }
  // Task list: a matching never rule turns off syscall auditing for the whole task.
  for (const auto* rule : lists.task) {
    const auto& body = *rule->syscall_rule();
    if (body.action != rules::Action::never) continue;
    auto selected = rule_region(body);
    for (const auto& piece : intersect_region(pending, selected.region))
      outcomes.push_back(selected.undecidable.empty()
                             ? decided(piece, Fate::suppressed, rule, "task auditing switched off by never,task rule on " + line_ref(*rule))
                             : decided(piece, Fate::undecidable, rule, "cannot prove coverage: never,task rule on " + line_ref(*rule) + " uses " + selected.undecidable));
    pending = subtract_region(pending, selected.region);
  }
  // Exit list: first match decides.
  std::vector<std::pair<Piece, const rules::Rule*>> recorded;
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
    if (!selected.undecidable.empty()) {
      if (body->action == rules::Action::always) {
        // It may record these events, or not: they fall through, remembered as unprovable.
        pending = subtract_region(pending, selected.region);
        for (auto& piece : hit) {
          if (piece.taint.empty()) piece.taint = "always rule on " + line_ref(*rule) + " uses " + selected.undecidable;
          pending.push_back(piece);
        }
        continue;
      }
      for (const auto& piece : hit)
        outcomes.push_back(decided(piece, Fate::undecidable, rule, "cannot prove coverage: never rule on " + line_ref(*rule) + " uses " + selected.undecidable));
    } else if (body->action == rules::Action::always) {
      for (const auto& piece : hit) recorded.emplace_back(piece, rule);
    } else {
      for (const auto& piece : hit)
        outcomes.push_back(decided(piece, Fate::suppressed, rule, "suppressed by never rule on " + line_ref(*rule)));
    }
    pending = subtract_region(pending, selected.region);
  }
  for (const auto& piece : pending)
    outcomes.push_back(piece.taint.empty() ? decided(piece, Fate::no_rule, nullptr, "no rule")
                                           : decided(piece, Fate::undecidable, nullptr, "cannot prove coverage: " + piece.taint));
  // Exclude list: the SYSCALL record of a recorded event is dropped by a matching always rule.
  for (auto [piece, rule] : recorded) {
    std::vector<Piece> kept{piece};
    for (const auto* exclude : lists.exclude) {
      auto selected = rule_region(*exclude->syscall_rule());
      for (const auto& hit : intersect_region(kept, selected.region)) {
        if (!selected.undecidable.empty())
          outcomes.push_back(decided(hit, Fate::undecidable, exclude, "cannot prove coverage: exclude rule on " + line_ref(*exclude) + " uses " + selected.undecidable));
        else if (exclude->syscall_rule()->action == rules::Action::always)
          outcomes.push_back(decided(hit, Fate::suppressed, exclude, "SYSCALL records dropped by exclude rule on " + line_ref(*exclude)));
        else
          outcomes.push_back(decided(hit, Fate::recorded, rule, "recorded by rule on " + line_ref(*rule)));
      }
      kept = subtract_region(kept, selected.region);
    }
    for (const auto& rest : kept) outcomes.push_back(decided(rest, Fate::recorded, rule, "recorded by rule on " + line_ref(*rule)));
  }
  return outcomes;
}

}  // namespace auditvm::check
