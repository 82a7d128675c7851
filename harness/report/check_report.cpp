#include "report/check_report.hpp"

namespace auditvm::report {

nlohmann::json check_json(const check::CheckResult& result, Arch arch) {
  nlohmann::json uncovered = nlohmann::json::array();
  for (const auto& group : result.uncovered)
    uncovered.push_back({{"text", group.text()},
                         {"abi", to_string(group.abi)},
                         {"syscalls", group.syscalls},
                         {"who", group.who},
                         {"outcome", group.outcome},
                         {"cause", check::to_string(group.fate)},
                         {"rule_line", group.rule_line},
                         {"reason", group.reason}});
  return {{"rule", result.group_id},
          {"arch", to_string(arch)},
          {"status", check::to_string(result.verdict)},
          {"literal_match", result.literal_match},
          {"missing_literal", result.missing_literal},
          {"grep_match", result.grep_match},
          {"uncovered", uncovered},
          {"notes", result.notes}};
}

void write_check_text(const check::CheckResult& result, const check::StigRule& stig, Arch arch, std::ostream& out) {
  // Not every release's STIG id is transcribed yet (StigRule::unavailable): the rule id names it then.
  out << stig.group_id << " (" << (stig.stig_id.empty() ? stig.rule_id : stig.stig_id) << ", " << stig.severity << ") on " << to_string(arch) << ": "
      << check::to_string(result.verdict) << "\n";
  out << "  literal check: " << (result.literal_match ? "the check text's rules are present" : "the check text's rules are NOT all present");
  if (!stig.grep_word.empty()) out << "; grep -w " << stig.grep_word << (result.grep_match ? " finds rules" : " finds nothing");
  out << "\n";
  for (const auto& line : result.missing_literal) out << "    missing: " << line << "\n";
  if (!result.uncovered.empty()) out << "  required events not recorded:\n";
  for (const auto& group : result.uncovered) out << "    " << group.text() << "\n";
  for (const auto& note : result.notes) out << "  note: " << note << "\n";
}

}  // namespace auditvm::report
