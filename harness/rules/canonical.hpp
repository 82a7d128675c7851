// Renders a parsed rule the way `auditctl -l` prints it, so rules written differently but
// meaning the same compare equal (the STIG's literal check, reports).
#pragma once

#include <string>

#include "rules/rule.hpp"

namespace auditvm::rules {

std::string canonical_text(const Rule& rule, Arch arch);

}  // namespace auditvm::rules
