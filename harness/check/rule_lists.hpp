// The kernel's filter lists as `auditctl` changes them (kernel/auditfilter.c), measured in the
// guests: -a appends and -A prepends to the rule's list; a rule the kernel finds identical to a
// loaded one is refused ("Rule exists") unless it comes with -A (the kernel compares the prepend
// flag too, and clears it once the rule is in); -d and -W delete the first identical rule in
// evaluation order; -D deletes every rule, -D -k KEY every rule whose key contains KEY.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "rules/rule.hpp"

namespace auditvm::check {

// What the kernel compares (audit_compare_rule): list, action, syscall mask, and every field in
// the order auditctl sent it (so "-F uid=0 -F auid>=1000" is not "-F auid>=1000 -F uid=0", while
// "-S a,b" is "-S b -S a", and names are their numbers).
std::string kernel_identity(const rules::SyscallRule& rule);
std::string kernel_identity(const rules::WatchRule& watch);

class RuleLists {
 public:
  // false: refused, an identical rule is loaded. `rule` must outlive the lists.
  bool add(const rules::Rule& rule);
  // Whether add() would take it (no identical rule loaded, or it comes with -A).
  bool admits(const rules::Rule& rule) const;
  // false: no loaded rule is identical (auditctl: "No such file or directory").
  bool remove(const rules::Removal& removal);
  // -D (key empty) or -D -k KEY; returns how many rules it deleted.
  size_t clear(const std::string& key);

  std::vector<const rules::Rule*> list(rules::List list) const;  // in evaluation order
  // Every rule in the order `auditctl -l` prints them: user, task, exit (with the watches),
  // exclude, filesystem, io_uring lists, each in evaluation order.
  std::vector<const rules::Rule*> listing() const;

 private:
  struct Entry {
    const rules::Rule* rule;
    std::string identity;
    std::string key;  // the keys as the kernel holds them, joined by \x01
  };
  std::map<rules::List, std::vector<Entry>> lists_;
};

// The lists after each line of `rules` in turn: rules (a refused one is left out), -d/-W, -D, -e
// (after -e 2 nothing changes any more). The one replay arrange() and the load prediction share.
struct ReplayedLists {
  RuleLists lists;
  int enabled = 1;  // the last -e
};
ReplayedLists replay(const rules::RuleSet& rules);

}  // namespace auditvm::check
