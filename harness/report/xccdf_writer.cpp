// XCCDF 1.2 TestResult: the checklist's findings as an automated tool's results, the form SCAP
// tools and STIG Manager (reviewsFromXccdf) import with the tool recorded as result engine.
#include <cctype>
#include <pugixml.hpp>
#include <sstream>

#include "core/clock.hpp"
#include "report/writers.hpp"

namespace auditvm::report {
namespace {

constexpr const char* kFactPrefix = "tag:stig-manager@users.noreply.github.com,2020:asset:";

std::string_view xccdf_result(FindingStatus status) {
  switch (status) {
    case FindingStatus::not_a_finding: return "pass";
    case FindingStatus::open: return "fail";
    case FindingStatus::not_reviewed: return "notchecked";
  }
  return "notchecked";
}

// XCCDF 1.2 ids are xccdf_<reverse DNS>_<type>_<name>, the name without spaces.
std::string id_part(const std::string& text) {
  std::string out;
  for (char c : text) out += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.') ? c : '_';
  return out;
}

void add_fact(pugi::xml_node facts, const std::string& name, const std::string& value) {
  if (value.empty()) return;
  auto fact = facts.append_child("fact");
  fact.append_attribute("name") = name.c_str();
  fact.append_attribute("type") = "string";
  fact.text() = value.c_str();
}

}  // namespace

std::string xccdf(const ChecklistTarget& target, const std::vector<Finding>& findings, const std::string& auditvm_version,
                  const std::string& start_time, const std::string& end_time) {
  auto release = findings.empty() ? StigRelease{} : stig_release(findings.front().rule);
  pugi::xml_document doc;
  auto result = doc.append_child("TestResult");
  result.append_attribute("xmlns") = "http://checklists.nist.gov/xccdf/1.2";
  result.append_attribute("id") = ("xccdf_auditvm_testresult_" + id_part(target.host_name)).c_str();
  if (!start_time.empty()) result.append_attribute("start-time") = start_time.c_str();
  result.append_attribute("end-time") = end_time.c_str();
  result.append_attribute("test-system") = ("cpe:/a:auditvm:auditvm:" + auditvm_version).c_str();
  result.append_attribute("version") = release.version.c_str();
  auto benchmark = result.append_child("benchmark");
  benchmark.append_attribute("href") = (std::string("xccdf_mil.disa.stig_benchmark_") + kStigId).c_str();
  benchmark.append_attribute("id") = (std::string("xccdf_mil.disa.stig_benchmark_") + kStigId).c_str();
  result.append_child("title").text() = (std::string("auditvm: ") + kStigName).c_str();
  // XCCDF has no field for DISA's release: its release-info, as the benchmark writes it.
  result.append_child("remark").text() = (std::string(kStigName) + " :: Version " + release.version + ", " + release.release_info).c_str();
  result.append_child("target").text() = target.host_name.c_str();
  if (!target.ip_address.empty()) result.append_child("target-address").text() = target.ip_address.c_str();
  auto facts = result.append_child("target-facts");
  add_fact(facts, std::string(kFactPrefix) + "name", target.host_name);
  add_fact(facts, std::string(kFactPrefix) + "fqdn", target.fqdn);
  add_fact(facts, std::string(kFactPrefix) + "ip", target.ip_address);
  add_fact(facts, std::string(kFactPrefix) + "mac", target.mac_address);
  add_fact(facts, std::string(kFactPrefix) + "description", target.comments);
  add_fact(facts, "urn:xccdf:fact:asset:identifier:host_name", target.host_name);
  add_fact(facts, "urn:xccdf:fact:asset:identifier:fqdn", target.fqdn);
  add_fact(facts, "urn:xccdf:fact:asset:identifier:ipv4", target.ip_address);
  add_fact(facts, "urn:xccdf:fact:asset:identifier:mac", target.mac_address);
  int passed = 0, decided = 0;
  for (const auto& finding : findings) {
    auto rule_result = result.append_child("rule-result");
    rule_result.append_attribute("idref") = ("xccdf_mil.disa.stig_rule_" + finding.rule.rule_id).c_str();
    rule_result.append_attribute("severity") = finding.rule.severity.c_str();
    rule_result.append_attribute("time") = end_time.c_str();
    rule_result.append_attribute("weight") = "10.0";
    rule_result.append_child("result").text() = std::string(xccdf_result(finding.status)).c_str();
    for (const auto& cci : finding.rule.ccis) {
      auto ident = rule_result.append_child("ident");
      ident.append_attribute("system") = "http://cyber.mil/cci";
      ident.text() = cci.c_str();
    }
    // The evidence: STIG Manager takes a message as the review's detail.
    auto message = rule_result.append_child("message");
    message.append_attribute("severity") = "info";
    message.text() = finding.details.c_str();
    passed += finding.status == FindingStatus::not_a_finding;
    decided += finding.status != FindingStatus::not_reviewed;
  }
  auto score = result.append_child("score");
  score.append_attribute("system") = "urn:xccdf:scoring:default";
  score.append_attribute("maximum") = "100";
  score.text() = std::to_string(decided ? 100 * passed / decided : 0).c_str();
  std::ostringstream out;
  doc.save(out, "  ", pugi::format_default, pugi::encoding_utf8);
  return out.str();
}

std::string xccdf(const CellResult& cell, const std::vector<check::StigRule>& rules, const std::string& auditvm_version,
                  const std::string& start_time, const TargetData& target) {
  return xccdf(cell_target(cell, target), cell_findings(cell, rules), auditvm_version, start_time, now_iso8601());
}

}  // namespace auditvm::report
