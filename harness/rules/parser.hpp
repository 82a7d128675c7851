// Parses audit rules as users meet them: rules files / auditctl command syntax, and what
// `auditctl -l` prints. Errors are InputErrors naming the source, the line and the token.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/arch.hpp"
#include "rules/rule.hpp"
#include "rules/userspace.hpp"
#include "rules/values.hpp"

namespace auditvm::rules {

// Parses one line (no comment, not blank). `arch` is the machine auditctl runs on: it decides
// which table names resolve in and what b32/b64 mean. `dialect`: auditctl for what `auditctl -R`
// loads, listing for what may also appear in `auditctl -l` output. The auditctl dialect reads a
// line the way `auditctl -R` does (words split at spaces only, a stray word is an error, checks
// of audit 3 or audit 4 per `userspace`). Throws InputError.
Rule parse_rule_line(std::string_view line, Arch arch, const std::string& source, int line_number,
                     Dialect dialect = Dialect::listing, Userspace userspace = Userspace::audit3);

// Parses a whole text (a rules file or `auditctl -l` output); skips what rule_lines skips.
RuleSet parse_rules(std::string_view text, Arch arch, const std::string& source);

// Parses `auditctl -l` output. auditctl prints the -S names of a rule without an arch field in
// the table of the last rule listed before it that had one (its machine is not reset between the
// rules of one listing: audit 3.0.9 to 4.2.1), so after an arch=b32 rule they are read back in the
// b32 table, and the rule says so (Rule::listed_in). Otherwise as parse_rules.
RuleSet parse_listing(std::string_view text, Arch arch, const std::string& source);

// Splits a text into lines, numbering them from 1, trimming whitespace and the trailing CR.
struct NumberedLine {
  int number;
  std::string text;
};
std::vector<NumberedLine> numbered_lines(std::string_view text);

// The lines `auditctl -R` must load to hold what a listing shows: each rule line as listed, except
// an arch-less rule whose names were printed in the b32 table (parse_listing), which is written
// with the native names. A line that does not parse is kept as it is, for the load to refuse.
std::vector<NumberedLine> loadable_lines(std::string_view listing, Arch arch, const std::string& source);

// The lines that are rules (the one definition check, lint and reproduce share): not blank, not a
// `#` comment, not the "No rules" auditctl -l prints for an empty rule set. Numbers as above.
std::vector<NumberedLine> rule_lines(std::string_view text);

}  // namespace auditvm::rules
