#include "cli/rules_input.hpp"

#include <map>

#include "rules/canonical.hpp"
#include "rules/parser.hpp"

namespace auditvm::cli {

void add_rules_input_option(CLI::App& command, RulesInput& value) {
  static const std::map<std::string, RulesInput> names{{"listing", RulesInput::listing}, {"rules", RulesInput::rules}};
  command.add_option("--input", value, "What --rules holds: `auditctl -l` output (listing) or a rules file (rules)")
      ->transform(CLI::CheckedTransformer(names))
      ->default_str("listing");
}

rules::RuleSet read_rules(const std::string& text, Arch arch, const std::string& source, RulesInput input, std::ostream& notes) {
  if (input == RulesInput::rules) return rules::parse_rules(text, arch, source);
  auto set = rules::parse_listing(text, arch, source);
  // A listing alone cannot tell `-w P` from `-F path=P -F perm=...` (cells resolve it with the
  // rules file the guest loaded: check/listed_watches).
  for (auto& rule : set.rules)
    if (auto* watch = std::get_if<rules::WatchRule>(&rule.body)) watch->maybe_path_rule = true;
  for (const auto& rule : set.rules)
    if (rule.listed_in)
      notes << source << ":" << rule.line << ": note: read as `auditctl -l` prints it: a rule without -F arch listed after an arch="
            << to_string(*rule.listed_in) << " one has its -S names in the " << to_string(*rule.listed_in)
            << " table, so the kernel holds `" << rules::canonical_text(rule, arch) << "` (--input rules reads a rules file)\n";
  return set;
}

}  // namespace auditvm::cli
