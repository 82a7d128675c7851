#include "rules/canonical.hpp"

#include "rules/syscall_table.hpp"
#include "rules/values.hpp"

namespace auditvm::rules {

std::string_view to_string(Op op) {
  switch (op) {
    case Op::eq: return "=";
    case Op::ne: return "!=";
    case Op::lt: return "<";
    case Op::gt: return ">";
    case Op::le: return "<=";
    case Op::ge: return ">=";
    case Op::bitmask: return "&";
    case Op::bittest: return "&=";
  }
  return "?";
}

std::string_view to_string(Action action) { return action == Action::always ? "always" : "never"; }

std::string_view to_string(List list) {
  switch (list) {
    case List::exit: return "exit";
    case List::exclude: return "exclude";
    case List::user: return "user";
    case List::task: return "task";
    case List::filesystem: return "filesystem";
    case List::io_uring: return "io_uring";
  }
  return "?";
}

namespace {

// `names_in`: the table the -S names are printed in (auditctl -l's carried machine, listing_lines);
// `userspace`: whose table (a number it has no name for is printed as the number).
std::string syscall_rule_text(const SyscallRule& rule, Arch arch, std::optional<Abi> names_in = std::nullopt,
                              Userspace userspace = kNewestUserspace) {
  std::string out = "-a " + std::string(to_string(rule.action)) + "," + std::string(to_string(rule.list));
  if (rule.abi) out += std::string(rule.abi_negated ? " -F arch!=" : " -F arch=") + std::string(to_string(*rule.abi));
  if (rule.all_syscalls) {
    if (rule.list == List::exit) out += " -S all";
  } else if (!rule.syscalls.empty()) {
    out += " -S ";
    Abi abi = rule.abi.value_or(names_in.value_or(Abi::b64));
    for (size_t i = 0; i < rule.syscalls.size(); ++i) {
      if (i) out += ",";
      out += syscall_name(arch, abi, rule.syscalls[i], userspace).value_or(std::to_string(rule.syscalls[i]));
    }
  }
  for (const auto& field : rule.fields)
    out += " -F " + field.field + std::string(to_string(field.op)) +
           (field.number ? listing_value(field.field, *field.number) : field.value);
  for (const auto& cmp : rule.comparisons)
    out += " -C " + cmp.left + std::string(to_string(cmp.op)) + cmp.right;
  for (const auto& key : rule.keys) out += " -F key=" + key;
  return out;
}

std::string watch_text(const WatchRule& watch) {
  // auditctl sends the path without its trailing '/', so the kernel lists it so.
  std::string out = "-w " + without_trailing_slashes(watch.path) + " -p " + (watch.perms.empty() ? "rwxa" : watch.perms);
  for (const auto& key : watch.keys) out += " -k " + key;
  return out;
}

}  // namespace

std::string canonical_text(const Rule& rule, Arch arch) {
  if (const auto* syscall = rule.syscall_rule()) return syscall_rule_text(*syscall, arch);
  if (const auto* watch = rule.watch_rule()) return watch_text(*watch);
  if (const auto* removal = rule.removal()) {
    // The rule it deletes, spelt with -d / -W.
    if (const auto* watch = std::get_if<WatchRule>(&removal->target)) return "-W" + watch_text(*watch).substr(2);
    return "-d" + syscall_rule_text(std::get<SyscallRule>(removal->target), arch).substr(2);
  }
  const auto* control = rule.control();
  return control->value.empty() ? control->option : control->option + " " + control->value;
}

std::vector<std::string> listing_lines(const std::vector<const Rule*>& rules, Arch arch, Userspace userspace) {
  std::vector<std::string> out;
  std::optional<Abi> machine;  // as parse_listing reads it back
  for (const auto* rule : rules) {
    const auto* syscall = rule->syscall_rule();
    if (!syscall) {
      out.push_back(canonical_text(*rule, arch));
      continue;
    }
    out.push_back(syscall_rule_text(*syscall, arch, machine, userspace));
    if (syscall->abi) machine = syscall->abi;
  }
  return out;
}

}  // namespace auditvm::rules
