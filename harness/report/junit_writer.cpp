// JUnit XML valid against the Jenkins xunit-plugin junit-10.xsd (tests/schemas/): a testsuite per
// cell with its timestamp and host, a testcase per assertion and one for the verdict (some CI
// systems ignore suite properties), times in seconds to the millisecond, and test case names that
// name what they test, so they sort and survive an action inserted before them.
#include <cstdio>
#include <map>
#include <pugixml.hpp>

#include "core/clock.hpp"
#include "report/writers.hpp"

namespace auditvm::report {
namespace {

// "61.235": what the schema's SUREFIRE_TIME allows and consumers parse (no exponent, no 17 digits).
std::string seconds_text(double seconds) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.3f", seconds < 0 ? 0.0 : seconds);
  return buffer;
}

// Ant's schema takes an ISO 8601 date and time without a zone; the run's is UTC.
std::string junit_timestamp(const std::string& iso) {
  return !iso.empty() && iso.back() == 'Z' ? iso.substr(0, iso.size() - 1) : iso;
}

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

// An action's test case is named by what it does ("action root b64 finit_module EPERM"), not by
// its index, which every action inserted before it would change.
std::string action_case_name(const ActionRow& action) {
  return "action " + action.actor + " " + std::string(to_string(action.abi)) + " " + action.syscall + " " + action.expect;
}

// What a failing action did, against what was expected and predicted, with its records.
std::string action_evidence(const ActionRow& action) {
  std::string out = "expected: " + action.expect + "\ngot: " + action.result.value_or("(the call was not made)") + "\n";
  out += "predicted: " + std::string(check::to_string(action.predicted)) +
         (action.prediction_reason.empty() ? "" : " (" + action.prediction_reason + ")") + "\n";
  if (action.records.empty()) out += "records: none\n";
  else out += "records:\n";
  for (const auto& record : action.records) out += "  " + record + "\n";
  if (!action.helper.empty()) out += "helper: " + action.helper + "\n";
  return out;
}

// The witness events that did not do as predicted, with their records.
std::string witness_evidence(const CellResult& cell) {
  if (!cell.evidence) return "";
  std::string out;
  for (const auto& w : cell.evidence->witnesses) {
    if (w.held()) continue;
    out += "witness " + w.text() + " (predicted: " + std::string(check::to_string(w.predicted)) + "; " + w.region + ")\n";
    for (const auto& record : w.records) out += "  " + record + "\n";
  }
  return out;
}

std::string log_lines(const CellResult& cell) {
  std::string out;
  if (!cell.audit_log.empty()) out += "audit log: " + cell.audit_log + "\n";
  if (!cell.console_log.empty()) out += "console log: " + cell.console_log + "\n";
  return out;
}

struct CaseCounts {
  int tests = 0, failures = 0, errors = 0;
};

class SuiteWriter {
 public:
  SuiteWriter(pugi::xml_node suite, const CellResult& cell) : suite_(suite), cell_(cell) {}

  // `evidence`: what the failure body shows after its message (none for a pass).
  void add(const std::string& wanted_name, Status status, const std::string& message, const std::string& evidence, double seconds) {
    // Two identical actions still get two names: the second is "... (2)".
    int seen = ++names_[wanted_name];
    std::string name = seen == 1 ? wanted_name : wanted_name + " (" + std::to_string(seen) + ")";
    auto test = suite_.append_child("testcase");
    test.append_attribute("name") = name.c_str();
    test.append_attribute("classname") = (cell_.scenario + "." + cell_.id()).c_str();
    test.append_attribute("time") = seconds_text(seconds).c_str();
    counts_.tests++;
    if (status != Status::pass) {
      // Failures are wrong verdicts or records; errors are model mismatches and broken machinery.
      bool is_error = status != Status::fail;
      auto node = test.append_child(is_error ? "error" : "failure");
      node.append_attribute("type") = std::string(to_string(status)).c_str();
      node.append_attribute("message") = message.c_str();
      std::string body = message + "\n" + evidence + log_lines(cell_);
      // A rules file that stopped loading is the cause of whatever failed after it.
      if (cell_.load_failure) body += "cause: " + cell_.load_failure->sentence() + "\n";
      node.text() = body.c_str();
      (is_error ? counts_.errors : counts_.failures)++;
    }
  }

  void add_verdict() {
    std::string name = "verdict " + cell_.stig;
    std::string summary = verdict_name(cell_.verdict).empty() ? "none" : verdict_name(cell_.verdict);
    summary += " (expected " + (cell_.expected_verdict ? verdict_name(cell_.expected_verdict) : std::string("none")) + ", kernel " +
               (cell_.kernel_verdict ? verdict_name(cell_.kernel_verdict) : std::string("none")) + ")";
    Status status = Status::pass;
    std::string message;
    if (!cell_.verdict) {
      status = Status::infra_error;
      message = "no verdict" + (cell_.infra_error.empty() ? std::string() : ": " + cell_.infra_error);
    } else {
      message = "verdict " + verdict_name(cell_.verdict);
      if (cell_.expected_verdict && cell_.verdict != cell_.expected_verdict) {
        status = Status::fail;
        message += ", expected " + verdict_name(cell_.expected_verdict);
      }
      if (cell_.kernel_verdict != cell_.verdict) {
        status = Status::model_mismatch;
        message += "; the kernel's witnesses say " + (cell_.kernel_verdict ? verdict_name(cell_.kernel_verdict) : std::string("nothing"));
      }
    }
    add(name, status, message, status == Status::pass ? "" : summary + "\n" + witness_evidence(cell_), cell_.seconds);
    suite_.last_child().append_child("system-out").text() = summary.c_str();
  }

  const CaseCounts& counts() const { return counts_; }

 private:
  pugi::xml_node suite_;
  const CellResult& cell_;
  std::map<std::string, int> names_;
  CaseCounts counts_;
};

}  // namespace

void write_junit(const RunResult& run, std::ostream& out) {
  pugi::xml_document doc;
  auto suites = doc.append_child("testsuites");
  suites.append_attribute("name") = "auditvm";
  suites.append_attribute("time") = seconds_text(run.seconds).c_str();
  CaseCounts total;
  const std::string host = host_name();
  for (const auto& cell : run.cells) {
    auto suite = suites.append_child("testsuite");
    suite.append_attribute("name") = (cell.scenario + "/" + cell.id()).c_str();
    auto tests = suite.append_attribute("tests"), failures = suite.append_attribute("failures"), errors = suite.append_attribute("errors");
    suite.append_attribute("time") = seconds_text(cell.seconds).c_str();
    suite.append_attribute("timestamp") = junit_timestamp(run.started_at).c_str();
    // The reports are written where the run ran.
    suite.append_attribute("hostname") = (host.empty() ? "localhost" : host).c_str();
    add_properties(suite, cell);
    SuiteWriter writer(suite, cell);
    writer.add_verdict();
    if (!cell.infra_error.empty()) writer.add("infrastructure", Status::infra_error, cell.infra_error, "", 0);
    for (const auto& a : cell.assertions) {
      // The cell's time is on its verdict; each assertion is a judgement of evidence already gathered.
      if (a.action) writer.add(action_case_name(*a.action), a.status, a.message, action_evidence(*a.action), 0);
      else writer.add(a.name, a.status, a.message, witness_evidence(cell), 0);
    }
    tests = writer.counts().tests;
    failures = writer.counts().failures;
    errors = writer.counts().errors;
    total.tests += writer.counts().tests;
    total.failures += writer.counts().failures;
    total.errors += writer.counts().errors;
    auto system_out = suite.append_child("system-out");
    std::string summary = "verdict " + verdict_name(cell.verdict) + " (expected " + verdict_name(cell.expected_verdict) + "), records " +
                          std::to_string(cell.records_matched) + "/" + std::to_string(cell.records_expected);
    if (cell.load_failure) summary += "\n" + cell.load_failure->sentence();
    for (const auto& u : cell.uncovered) summary += "\nuncovered: " + u;
    system_out.text() = summary.c_str();
  }
  suites.append_attribute("tests") = total.tests;
  suites.append_attribute("failures") = total.failures;
  suites.append_attribute("errors") = total.errors;
  doc.save(out, "  ");
}

}  // namespace auditvm::report
