#pragma once
// Small text helpers shared by the rooms that read what guests and users print.
#include <string>
#include <string_view>

namespace auditvm {

// `text` without leading and trailing spaces, tabs, CRs and newlines.
std::string trim(std::string_view text);

}  // namespace auditvm
