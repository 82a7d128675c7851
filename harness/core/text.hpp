#pragma once
// Small text helpers shared by the rooms that read what guests and users print.
#include <string>
#include <string_view>
#include <vector>

namespace auditvm {

// `text` without leading and trailing spaces, tabs, CRs and newlines.
std::string trim(std::string_view text);

// Every piece of `text` between `separator`s, empty ones too (n separators give n + 1 pieces).
std::vector<std::string> split(std::string_view text, char separator);

// The words of a rules line as auditctl splits it: at spaces only (a tab stays in its word), no
// empty words.
std::vector<std::string> words(std::string_view line);

}  // namespace auditvm
