#include <pugixml.hpp>

#include "report/writers.hpp"

namespace auditvm::report {
namespace {

// CI systems show testsuite properties next to the cases: the verdicts behind the assertions.
void add_properties(pugi::xml_node suite, const CellResult& cell) {
  auto properties = suite.append_child("properties");
  auto add = [&](const char* name, const std::string& value) {
    auto property = properties.append_child("property");
    property.append_attribute("name") = name;
    property.append_attribute("value") = value.c_str();
  };
  add("rule", cell.stig);
  add("verdict", verdict_name(cell.verdict));
  add("expected_verdict", verdict_name(cell.expected_verdict));
  add("kernel_verdict", verdict_name(cell.kernel_verdict));
  add("literal_match", cell.literal_match ? "true" : "false");
  add("records", std::to_string(cell.records_matched) + "/" + std::to_string(cell.records_expected));
  add("suite", cell.suite);
  add("kernel_version", cell.kernel_version);
  add("audit_version", cell.audit_version);
  add("image", cell.image);
  if (cell.load_failure) add("load_failure", cell.load_failure->sentence());
}

}  // namespace

void write_junit(const RunResult& run, std::ostream& out) {
  pugi::xml_document doc;
  auto suites = doc.append_child("testsuites");
  suites.append_attribute("name") = "auditvm";
  suites.append_attribute("time") = run.seconds;
  for (const auto& cell : run.cells) {
    auto suite = suites.append_child("testsuite");
    suite.append_attribute("name") = (cell.scenario + "/" + cell.id()).c_str();
    suite.append_attribute("time") = cell.seconds;
    add_properties(suite, cell);
    int failures = 0, errors = 0;
    auto add_case = [&](const std::string& name, Status status, const std::string& message) {
      auto test = suite.append_child("testcase");
      test.append_attribute("classname") = (cell.scenario + "." + cell.id()).c_str();
      test.append_attribute("name") = name.c_str();
      if (status == Status::pass) return;
      // Failures are wrong verdicts or records; errors are model mismatches and broken machinery.
      bool is_error = status != Status::fail;
      auto node = test.append_child(is_error ? "error" : "failure");
      node.append_attribute("type") = std::string(to_string(status)).c_str();
      node.append_attribute("message") = message.c_str();
      // A rules file that stopped loading is the cause of whatever failed after it.
      std::string body = message;
      if (cell.load_failure) body += "\ncause: " + cell.load_failure->sentence();
      node.text() = body.c_str();
      (is_error ? errors : failures)++;
    };
    if (!cell.infra_error.empty()) add_case("infrastructure", Status::infra_error, cell.infra_error);
    for (const auto& a : cell.assertions) add_case(a.name, a.status, a.message);
    suite.append_attribute("tests") = static_cast<int>(cell.assertions.size() + (cell.infra_error.empty() ? 0 : 1));
    suite.append_attribute("failures") = failures;
    suite.append_attribute("errors") = errors;
    auto system_out = suite.append_child("system-out");
    std::string summary = "verdict " + verdict_name(cell.verdict) + " (expected " + verdict_name(cell.expected_verdict) + "), records " +
                          std::to_string(cell.records_matched) + "/" + std::to_string(cell.records_expected);
    if (cell.load_failure) summary += "\n" + cell.load_failure->sentence();
    for (const auto& u : cell.uncovered) summary += "\nuncovered: " + u;
    system_out.text() = summary.c_str();
  }
  doc.save(out, "  ");
}

}  // namespace auditvm::report
