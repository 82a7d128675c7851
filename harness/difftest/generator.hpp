// Random audit rule sets for the differential tester, from a grammar weighted towards what goes
// wrong: rule order, never/always mixes, every filter list, every field and operator libaudit
// knows, values at the boundaries the model draws (auid 999/1000/4294967294/unset, exit -13,
// success 0/1), control lines (-D, -e, -b, ...), -A and -d, numeric syscalls, rules without
// -F arch, -C comparisons, and both input forms (a rules file, or what `auditctl -l` prints).
// Pure and reproducible: set `index` of a run with `seed` is the same on every machine, and can
// be made alone (each set has its own random stream).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/arch.hpp"
#include "nixos/config.hpp"

namespace auditvm::difftest {

enum class Form { rules_file, listing };  // as a user writes rules / as `auditctl -l` prints them
std::string_view to_string(Form form);

struct GeneratedRuleSet {
  std::uint64_t index = 0;
  Form form = Form::rules_file;
  std::vector<std::string> lines;  // security.audit.rules, in order
  bool lint_loads = true;          // check::simulate_load's prediction for the file NixOS writes
  std::string text() const;        // one line each, newline-terminated
};

struct GeneratorOptions {
  // The share of sets (percent) that lint predicts to stop loading: lint's prediction is judged too.
  unsigned failing_percent = 10;
};

GeneratedRuleSet generate_rule_set(Arch arch, std::uint64_t seed, std::uint64_t index, const GeneratorOptions& options = {});

// The configuration a rule set is loaded with: audit and auditd on, the rules as given (NixOS's
// defaults around them: -D, -b, -f, -r first and -e 1 last).
nixos::NixosConfig configuration_for(const std::vector<std::string>& lines);

// The grammar's vocabulary, for tests and documentation: every -F field it writes (all of
// libaudit's rule fields but arch, key and field_compare, which it writes as -F arch=, -k and -C).
const std::vector<std::string>& grammar_fields();

}  // namespace auditvm::difftest
