// Renders a parsed rule the way `auditctl -l` prints it, so rules written differently but
// meaning the same compare equal (the STIG's literal check, reports).
#pragma once

#include <string>
#include <vector>

#include "rules/rule.hpp"
#include "rules/userspace.hpp"

namespace auditvm::rules {

std::string canonical_text(const Rule& rule, Arch arch);

// What `auditctl -l` prints for these rules, in order: canonical_text, except that a rule without
// an arch field has its -S names in the table of the last rule before it that had one (see
// parse_listing), and names as `userspace`'s auditctl knows them. canonical_text uses the newest table.
std::vector<std::string> listing_lines(const std::vector<const Rule*>& rules, Arch arch, Userspace userspace = kNewestUserspace);

}  // namespace auditvm::rules
