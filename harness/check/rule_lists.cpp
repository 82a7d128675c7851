#include "check/rule_lists.hpp"

#include <algorithm>

namespace auditvm::check {
namespace {

using rules::List;

std::string joined_keys(const std::vector<std::string>& keys) {
  std::string out;
  for (const auto& key : keys) out += (out.empty() ? "" : "\x01") + key;
  return out;
}

std::string fields_text(const std::vector<std::string>& fields) {
  std::string out;
  for (const auto& field : fields) out += "|" + field;
  return out;
}

List list_of(const rules::Rule& rule) {
  if (const auto* syscall = rule.syscall_rule()) return syscall->list;
  return List::exit;  // watches live on the exit list
}

}  // namespace

std::string kernel_identity(const rules::SyscallRule& rule) {
  std::string mask = "all";
  if (!rule.all_syscalls && (rule.list == List::exit || rule.list == List::io_uring)) {
    mask.clear();
    for (int number : rule.syscalls) mask += std::to_string(number) + ",";
  }
  return std::string(rules::to_string(rule.list)) + "," + std::string(rules::to_string(rule.action)) + " S=" + mask +
         fields_text(rule.sent_fields);
}

std::string kernel_identity(const rules::WatchRule& watch) { return "exit,always S=all" + fields_text(watch.sent_fields); }

bool RuleLists::admits(const rules::Rule& rule) const {
  const auto* syscall = rule.syscall_rule();
  const auto* watch = rule.watch_rule();
  if (!syscall && !watch) return false;
  if (syscall && syscall->prepend) return true;
  auto list = lists_.find(list_of(rule));
  if (list == lists_.end()) return true;
  const std::string identity = syscall ? kernel_identity(*syscall) : kernel_identity(*watch);
  return std::none_of(list->second.begin(), list->second.end(), [&](const Entry& e) { return e.identity == identity; });
}

bool RuleLists::add(const rules::Rule& rule) {
  if (!admits(rule)) return false;
  const auto* syscall = rule.syscall_rule();
  const auto* watch = rule.watch_rule();
  Entry entry{&rule, syscall ? kernel_identity(*syscall) : kernel_identity(*watch), joined_keys(syscall ? syscall->keys : watch->keys)};
  auto& list = lists_[list_of(rule)];
  const bool prepend = syscall && syscall->prepend;
  if (prepend) list.insert(list.begin(), std::move(entry));
  else list.push_back(std::move(entry));
  return true;
}

bool RuleLists::remove(const rules::Removal& removal) {
  const auto* syscall = std::get_if<rules::SyscallRule>(&removal.target);
  const std::string identity = syscall ? kernel_identity(*syscall) : kernel_identity(std::get<rules::WatchRule>(removal.target));
  auto& list = lists_[syscall ? syscall->list : List::exit];
  auto found = std::find_if(list.begin(), list.end(), [&](const Entry& e) { return e.identity == identity; });
  if (found == list.end()) return false;
  list.erase(found);
  return true;
}

size_t RuleLists::clear(const std::string& key) {
  size_t removed = 0;
  for (auto& [name, list] : lists_) {
    auto gone = std::remove_if(list.begin(), list.end(), [&](const Entry& e) { return key.empty() || e.key.find(key) != std::string::npos; });
    removed += static_cast<size_t>(list.end() - gone);
    list.erase(gone, list.end());
  }
  return removed;
}

std::vector<const rules::Rule*> RuleLists::list(List list) const {
  std::vector<const rules::Rule*> out;
  if (auto found = lists_.find(list); found != lists_.end())
    for (const auto& entry : found->second) out.push_back(entry.rule);
  return out;
}

std::vector<const rules::Rule*> RuleLists::listing() const {
  std::vector<const rules::Rule*> out;
  for (List list : {List::user, List::task, List::exit, List::exclude, List::filesystem, List::io_uring}) {
    auto rules = this->list(list);
    out.insert(out.end(), rules.begin(), rules.end());
  }
  return out;
}

ReplayedLists replay(const rules::RuleSet& rules) {
  ReplayedLists out;
  for (const auto& rule : rules.rules) {
    if (out.enabled == 2) break;
    if (const auto* control = rule.control()) {
      if (control->option == "-D") out.lists.clear(control->value);
      if (control->option == "-e") out.enabled = std::stoi(control->value);
    } else if (const auto* removal = rule.removal()) {
      out.lists.remove(*removal);
    } else {
      out.lists.add(rule);
    }
  }
  return out;
}

}  // namespace auditvm::check
