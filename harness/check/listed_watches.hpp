// `auditctl -l` prints a rule whose only fields are a path and perm (and a key) as `-w PATH -p PERMS`,
// whether the kernel holds it as a watch of that inode (`-F path=`, or `-w` on a file) or as a tree
// (`-w` on a directory, `-F dir=`): on a directory the two record different accesses (measured:
// `-F path=/var/cron/tabs -F perm=wa` lists as `-w /var/cron/tabs -p wa` and records no write to a
// crontab). Where the rules file the guest loaded says which, the listing can be read exactly.
#pragma once

#include <string>

namespace auditvm::check {

// `listing` with each `-w P ...` line that the rules file loaded as an exit rule with `-F path=P`
// (and no `-w P` of its own) written as that rule is: `-a always,exit -S all -F path=P -F perm=...
// -F key=...`. Lines of other rules are kept as they are.
std::string listing_as_loaded(const std::string& listing, const std::string& rules_file);

}  // namespace auditvm::check
