// STIG Viewer 3 checklists (.cklb, "cklb_version": "1.0"): one target, one STIG, a rule entry per
// finding with the STIG's ids and texts, the status and the evidence as finding details.
#include <cstdio>
#include <random>

#include "core/clock.hpp"
#include "report/writers.hpp"

namespace auditvm::report {
namespace {

using nlohmann::json;

std::string uuid() {
  static thread_local std::mt19937_64 random{std::random_device{}()};
  std::uniform_int_distribution<int> hex(0, 15);
  std::string out = "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx";
  for (char& c : out) {
    if (c == 'x') c = "0123456789abcdef"[hex(random)];
    else if (c == 'y') c = "89ab"[hex(random) & 3];
  }
  return out;
}

// STIG Viewer keeps the rule id without its revision suffix apart from the full one:
// SV-268096r1039563_rule -> SV-268096.
std::string short_rule_id(const std::string& rule_id) {
  auto revision = rule_id.find('r', 3);
  return revision == std::string::npos ? rule_id : rule_id.substr(0, revision);
}

json rule_entry(const Finding& finding, const std::string& stig_uuid, const std::string& timestamp) {
  const auto& rule = finding.rule;
  return {{"uuid", uuid()},
          {"stig_uuid", stig_uuid},
          {"target_key", nullptr},
          {"stig_ref", nullptr},
          {"group_id", rule.group_id},
          {"group_id_src", rule.group_id},
          {"rule_id", short_rule_id(rule.rule_id)},
          {"rule_id_src", rule.rule_id},
          {"weight", "10.0"},
          {"classification", "Unclassified"},
          {"severity", rule.severity},
          {"rule_version", rule.stig_id},
          {"group_title", rule.srg_id},
          {"rule_title", rule.title},
          {"fix_text", rule.fix_text},
          {"false_positives", ""},
          {"false_negatives", ""},
          {"discussion", rule.discussion},
          {"check_content", rule.check_text},
          {"documentable", "false"},
          {"mitigations", ""},
          {"potential_impacts", ""},
          {"third_party_tools", ""},
          {"mitigation_control", ""},
          {"responsibility", ""},
          {"security_override_guidance", ""},
          {"ia_controls", ""},
          {"check_content_ref", {{"href", rule.source.filename().string()}, {"name", "M"}}},
          {"legacy_ids", json::array()},
          {"ccis", rule.ccis},
          {"reference_identifier", ""},
          {"group_tree", {{{"id", rule.group_id}, {"title", rule.srg_id}, {"description", "<GroupDescription></GroupDescription>"}}}},
          {"createdAt", timestamp},
          {"updatedAt", timestamp},
          {"status", cklb_status(finding.status)},
          {"overrides", json::object()},
          // Empty: STIG Manager auto-submits a review with a comment, as if a reviewer had written it.
          {"comments", ""},
          {"finding_details", finding.details}};
}

// "2024-10-25" -> "25 Oct 2024", as DISA's benchmarks date a release.
std::string benchmark_date(const std::string& iso) {
  static const char* const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  int year = 0, month = 0, day = 0;
  if (std::sscanf(iso.c_str(), "%4d-%2d-%2d", &year, &month, &day) != 3 || month < 1 || month > 12 || day < 1 || day > 31) return iso;
  return std::to_string(day) + " " + months[month - 1] + " " + std::to_string(year);
}

}  // namespace

StigRelease stig_release(const check::StigRule& rule) {
  // The data files' release names are checked as V<version>R<release> when loaded.
  auto r = rule.release.find('R');
  if (rule.release.size() < 4 || rule.release[0] != 'V' || r == std::string::npos) return {};
  StigRelease out{rule.release.substr(1, r - 1), rule.release.substr(r + 1), ""};
  out.release_info = "Release: " + out.release + " Benchmark Date: " + benchmark_date(rule.release_date);
  return out;
}

json cklb(const ChecklistTarget& target, const std::vector<Finding>& findings) {
  std::string stig_uuid = uuid();
  std::string timestamp = now_iso8601();
  json rules = json::array();
  for (const auto& finding : findings) rules.push_back(rule_entry(finding, stig_uuid, timestamp));
  // Every rule of one checklist comes from the same STIG release (the data files' base release).
  auto release = findings.empty() ? StigRelease{} : stig_release(findings.front().rule);
  json stig = {{"stig_name", kStigName}, {"display_name", kStigDisplayName}, {"stig_id", kStigId},
               {"release_info", release.release_info}, {"version", release.version}, {"uuid", stig_uuid},
               {"reference_identifier", ""}, {"size", rules.size()}, {"rules", rules}};
  json target_data = {{"target_type", "Computing"}, {"host_name", target.host_name}, {"ip_address", target.ip_address},
                      {"mac_address", target.mac_address}, {"fqdn", target.fqdn}, {"comments", target.comments}, {"role", target.role},
                      {"is_web_database", false},
                      {"technology_area", ""}, {"web_db_site", ""}, {"web_db_instance", ""}, {"classification", ""}};
  return {{"title", target.title}, {"id", uuid()}, {"stigs", {stig}}, {"active", false}, {"mode", 1},
          {"has_path", true}, {"target_data", target_data}, {"cklb_version", "1.0"}};
}

json cklb(const CellResult& cell, const std::vector<check::StigRule>& rules, const TargetData& target) {
  return cklb(cell_target(cell, target), cell_findings(cell, rules));
}

json cklb(const CellResult& cell, const check::StigRule& stig) { return cklb(cell, std::vector<check::StigRule>{stig}); }

}  // namespace auditvm::report
