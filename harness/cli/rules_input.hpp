// The --input option of the commands that take a capture or a rules file: how to read the text.
// They differ in one place: `auditctl -l` prints a rule without an arch field in the table of the
// rule listed before it (rules::parse_listing), a rules file always means the native table.
#pragma once

#include <CLI/CLI.hpp>
#include <ostream>
#include <string>

#include "core/arch.hpp"
#include "rules/rule.hpp"

namespace auditvm::cli {

enum class RulesInput { listing, rules };

void add_rules_input_option(CLI::App& command, RulesInput& value);

// Parses `text` as `input` says; for each rule a listing reads differently from a rules file,
// writes a note to `notes` naming the line, what the kernel holds and how to read it otherwise.
rules::RuleSet read_rules(const std::string& text, Arch arch, const std::string& source, RulesInput input, std::ostream& notes);

}  // namespace auditvm::cli
