// The STIG's watch and path rules as a coverage question: which accesses (read, write, attribute
// change, exec) of which path, by which login uids, do the loaded rules record? A watch
// `-w PATH -p PERMS` is the exit rule `-S all -F path=PATH -F perm=PERMS` (`dir=` when PATH is a
// directory on the target, a whole tree); both forms are judged, as `auditctl -l` lists them.
#pragma once

#include <string>

#include "check/coverage.hpp"

namespace auditvm::check {

// Fills `result` (group id and literal comparison already set) with the verdict of a path_coverage
// rule: every required (ABI, access, path) for every auid range in its data, each uncovered piece
// an UncoveredGroup naming the access and path ("write /etc/passwd").
void judge_path_coverage(const rules::RuleSet& rules, Arch arch, const StigRule& stig, CheckResult& result);

// One piece of a required (ABI, access, path) and what the loaded rules do with it: the regions
// path witnesses are chosen from (check/path_witness).
struct AccessPiece {
  Abi abi = Abi::b64;
  std::string access;  // write, attr, read, exec
  std::string path;    // as the STIG names it ('/' at the end: a directory, its entries included)
  Box box;
  Fate fate = Fate::no_rule;
  int rule_line = 0;
  std::string key;     // the recording rule's key
  std::string reason;
  int group = -1;      // its entry in the CheckResult's uncovered (judge_path_coverage's order); -1 when recorded
};
std::vector<AccessPiece> access_pieces(const rules::RuleSet& rules, Arch arch, const StigRule& stig);

// One concrete access: `event.syscall` is the call that makes it (openat, fchmodat, execve, ...),
// `access` the perm class the kernel puts that call in for this path: read, write, attr, exec.
struct PathAccess {
  Event event;
  std::string path;
  std::string access;
  // The call creates or removes the entry, naming the path's directory as the parent: a path= rule
  // on a directory the STIG names with '/' matches it.
  bool names_parent = false;
  // An O_CREAT open of an existing entry: 6.1 names the directory as the parent, 6.12 does not
  // (measured), so under a path= rule on the directory its record is undecidable here.
  bool creat_of_existing = false;
};

Prediction predict_access(const rules::RuleSet& rules, Arch arch, const PathAccess& access);

// The perm letter of an access ("write" -> 'w'); InputError naming `where` for an unknown one.
char perm_letter(const std::string& access, const InputLocation& where);

}  // namespace auditvm::check
