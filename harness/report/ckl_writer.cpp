// STIG Viewer 2 checklists (.ckl, XML): what MITRE SAF / Heimdall and older tooling read (they
// cannot read .cklb). The same findings as the .cklb: one asset, one iSTIG, a VULN per rule.
#include <pugixml.hpp>
#include <sstream>

#include "report/writers.hpp"

namespace auditvm::report {
namespace {

void add_text(pugi::xml_node parent, const char* name, const std::string& text) {
  parent.append_child(name).text() = text.c_str();
}

void add_si_data(pugi::xml_node info, const char* name, const std::string& data) {
  auto si = info.append_child("SI_DATA");
  add_text(si, "SID_NAME", name);
  if (!data.empty()) add_text(si, "SID_DATA", data);
}

void add_stig_data(pugi::xml_node vuln, const char* attribute, const std::string& data) {
  auto datum = vuln.append_child("STIG_DATA");
  add_text(datum, "VULN_ATTRIBUTE", attribute);
  add_text(datum, "ATTRIBUTE_DATA", data);
}

std::string_view ckl_status(FindingStatus status) {
  switch (status) {
    case FindingStatus::not_a_finding: return "NotAFinding";
    case FindingStatus::open: return "Open";
    case FindingStatus::not_reviewed: return "Not_Reviewed";
  }
  return "Not_Reviewed";
}

void add_vuln(pugi::xml_node stig, const Finding& finding, const std::string& stig_ref) {
  const auto& rule = finding.rule;
  auto vuln = stig.append_child("VULN");
  // STIG Viewer 2's attribute order.
  add_stig_data(vuln, "Vuln_Num", rule.group_id);
  add_stig_data(vuln, "Severity", rule.severity);
  add_stig_data(vuln, "Group_Title", rule.srg_id);
  add_stig_data(vuln, "Rule_ID", rule.rule_id);
  add_stig_data(vuln, "Rule_Ver", rule.stig_id);
  add_stig_data(vuln, "Rule_Title", rule.title);
  add_stig_data(vuln, "Vuln_Discuss", rule.discussion);
  add_stig_data(vuln, "IA_Controls", "");
  add_stig_data(vuln, "Check_Content", rule.check_text);
  add_stig_data(vuln, "Fix_Text", rule.fix_text);
  for (const char* empty : {"False_Positives", "False_Negatives"}) add_stig_data(vuln, empty, "");
  add_stig_data(vuln, "Documentable", "false");
  for (const char* empty : {"Mitigations", "Potential_Impact", "Third_Party_Tools", "Mitigation_Control", "Responsibility",
                            "Security_Override_Guidance"})
    add_stig_data(vuln, empty, "");
  add_stig_data(vuln, "Check_Content_Ref", "M");
  add_stig_data(vuln, "Weight", "10.0");
  add_stig_data(vuln, "Class", "Unclass");
  add_stig_data(vuln, "STIGRef", stig_ref);
  add_stig_data(vuln, "TargetKey", "");
  for (const auto& cci : rule.ccis) add_stig_data(vuln, "CCI_REF", cci);
  add_text(vuln, "STATUS", std::string(ckl_status(finding.status)));
  add_text(vuln, "FINDING_DETAILS", finding.details);
  add_text(vuln, "COMMENTS", "");  // empty: a comment would read as a reviewer's
  add_text(vuln, "SEVERITY_OVERRIDE", "");
  add_text(vuln, "SEVERITY_JUSTIFICATION", "");
}

}  // namespace

std::string ckl(const ChecklistTarget& target, const std::vector<Finding>& findings) {
  pugi::xml_document doc;
  doc.append_child(pugi::node_comment).set_value("DISA STIG Viewer :: 2.18");
  auto checklist = doc.append_child("CHECKLIST");
  auto asset = checklist.append_child("ASSET");
  add_text(asset, "ROLE", target.role);
  add_text(asset, "ASSET_TYPE", "Computing");
  add_text(asset, "MARKING", "CUI");
  add_text(asset, "HOST_NAME", target.host_name);
  add_text(asset, "HOST_IP", target.ip_address);
  add_text(asset, "HOST_MAC", target.mac_address);
  add_text(asset, "HOST_FQDN", target.fqdn);
  add_text(asset, "TARGET_COMMENT", target.comments);
  add_text(asset, "TECH_AREA", "");
  add_text(asset, "TARGET_KEY", "");
  add_text(asset, "WEB_OR_DATABASE", "false");
  add_text(asset, "WEB_DB_SITE", "");
  add_text(asset, "WEB_DB_INSTANCE", "");
  auto stig = checklist.append_child("STIGS").append_child("iSTIG");
  auto info = stig.append_child("STIG_INFO");
  auto release = findings.empty() ? StigRelease{} : stig_release(findings.front().rule);
  add_si_data(info, "version", release.version);
  add_si_data(info, "classification", "UNCLASSIFIED");
  add_si_data(info, "customname", "");
  add_si_data(info, "stigid", kStigId);
  add_si_data(info, "description", "");
  add_si_data(info, "filename", "");
  add_si_data(info, "releaseinfo", release.release_info);
  add_si_data(info, "title", kStigName);
  add_si_data(info, "uuid", "");
  add_si_data(info, "notice", "terms-of-use");
  add_si_data(info, "source", "");
  std::string stig_ref = std::string(kStigName) + " :: Version " + release.version + ", " + release.release_info;
  for (const auto& finding : findings) add_vuln(stig, finding, stig_ref);
  std::ostringstream out;
  doc.save(out, "\t", pugi::format_default | pugi::format_no_declaration);
  // The declaration by hand: STIG Viewer's files start with it, then its version comment.
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + out.str();
}

std::string ckl(const CellResult& cell, const std::vector<check::StigRule>& rules, const TargetData& target) {
  return ckl(cell_target(cell, target), cell_findings(cell, rules));
}

}  // namespace auditvm::report
