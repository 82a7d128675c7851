// Path witnesses: concrete accesses of the paths the STIG's watch and path rules name (V-268097,
// V-268164..167), chosen from the model's own pieces (access_pieces) so that the kernel judges
// those verdicts as it judges the syscall rules': every uncovered piece gets an access inside it
// (it must leave no record), every recorded piece its lowest and highest login uid, as root and
// as a user, and callers just outside the required login uids get one each. The runner makes
// them (guest/modhelper: openat for writing, nothing written; fchmodat to the file's own mode;
// execve) on each ABI. Pure: no guest.
#pragma once

#include <string>
#include <vector>

#include "check/path_coverage.hpp"

namespace auditvm::check {

struct PathWitness {
  // The access as asked: event.success and exit_code are what the guest's modes give the caller
  // (root succeeds; a user's write is EACCES and its attribute change EPERM on root's files; exec
  // succeeds); the prediction is made on what the call really returned.
  PathAccess access;
  std::string target;    // the file the access is made on: the path, or a directory's witness entry
  bool required = true;  // inside the STIG's required accesses
  std::string region;    // "uncovered: ...", "covered: ...", "outside the required set: ..."
};

// The system call that makes an access: write openat, attr fchmodat, exec execve.
std::string access_syscall(const std::string& access);
// The file a witness of `path` uses: the path, or for a directory the STIG names with '/' an entry
// in it (the cell makes the missing targets before the witnesses and removes them after).
std::string witness_target(const std::string& path);

std::vector<PathWitness> choose_path_witnesses(const rules::RuleSet& loaded, Arch arch, const StigRule& stig);

}  // namespace auditvm::check
