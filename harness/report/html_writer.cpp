// report.html: one page a person opens from the artifact (no network, no script): the matrix
// configuration x arch at a glance, coloured by test status, and per cell the evidence behind it.
#include <algorithm>
#include <cstdio>
#include <sstream>

#include "report/writers.hpp"

namespace auditvm::report {
namespace {

std::string escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

// A column of the matrix: the cell id without its configuration ("x86_64", "aarch64@trixie").
std::string column_of(const CellResult& cell) {
  auto id = cell.id();
  return id.substr(cell.configuration.size() + 1);
}

std::string or_dash(const std::string& text) { return text.empty() ? "-" : text; }

constexpr const char* kStyle = R"(
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #1b1b1b; }
h1 { font-size: 1.4em; } h2 { font-size: 1.15em; margin-top: 2em; border-top: 1px solid #ccc; padding-top: .8em; }
table { border-collapse: collapse; margin: .5em 0; } th, td { border: 1px solid #bbb; padding: .3em .5em; text-align: left; vertical-align: top; }
table.matrix td.cell { min-width: 11em; } td.cell a { color: inherit; text-decoration: none; display: block; }
.pass { background: #d8f0d8; } .fail { background: #f6c6c6; font-weight: bold; } .model_mismatch { background: #f9d59b; font-weight: bold; }
.infra_error { background: #d9d9d9; font-weight: bold; } .empty { background: #fff; }
.status { text-transform: uppercase; font-size: .85em; letter-spacing: .03em; }
pre { background: #f5f5f5; padding: .5em; overflow-x: auto; white-space: pre-wrap; margin: .3em 0; }
td pre { background: none; padding: 0; margin: 0; font-size: .85em; }
.no { color: #a00; } .summary { font-size: 1.05em; }
)";

void matrix(const RunResult& run, std::ostream& out) {
  std::vector<std::string> rows, columns;
  for (const auto& cell : run.cells) {
    if (std::find(rows.begin(), rows.end(), cell.configuration) == rows.end()) rows.push_back(cell.configuration);
    if (std::find(columns.begin(), columns.end(), column_of(cell)) == columns.end()) columns.push_back(column_of(cell));
  }
  out << "<table class=\"matrix\">\n<tr><th scope=\"col\">configuration</th>";
  for (const auto& column : columns) out << "<th scope=\"col\">" << escape(column) << "</th>";
  out << "</tr>\n";
  for (const auto& row : rows) {
    out << "<tr><th scope=\"row\">" << escape(row) << "</th>";
    for (const auto& column : columns) {
      auto cell = std::find_if(run.cells.begin(), run.cells.end(), [&](const CellResult& c) { return c.configuration == row && column_of(c) == column; });
      if (cell == run.cells.end()) {
        out << "<td class=\"empty\"></td>";
        continue;
      }
      auto status = std::string(to_string(cell->status()));
      out << "<td class=\"cell " << status << "\" data-cell=\"" << escape(cell->id()) << "\"><a href=\"#cell-" << escape(cell->id()) << "\">"
          << "<span class=\"status\">" << status << "</span><br>verdict " << or_dash(verdict_name(cell->verdict)) << "<br>expected "
          << or_dash(verdict_name(cell->expected_verdict)) << "<br>records " << cell->records_matched << "/" << cell->records_expected << "</a></td>";
    }
    out << "</tr>\n";
  }
  out << "</table>\n";
}

std::string records_cell(const std::vector<std::string>& records) {
  if (records.empty()) return "<span class=\"no\">none</span>";
  std::string out = "<pre>";
  for (const auto& record : records) out += escape(record) + "\n";
  return out + "</pre>";
}

void cell_section(const CellResult& cell, std::ostream& out) {
  auto status = std::string(to_string(cell.status()));
  out << "<h2 id=\"cell-" << escape(cell.id()) << "\">" << escape(cell.id()) << " <span class=\"status " << status << "\">" << status << "</span></h2>\n";
  out << "<p>" << escape(cell.description) << "</p>\n<table>\n";
  auto row = [&](const std::string& name, const std::string& value) { out << "<tr><th>" << name << "</th><td>" << value << "</td></tr>\n"; };
  row("scenario", escape(cell.scenario));
  row("rule", escape(cell.stig));
  row("guest", escape(or_dash(cell.suite)) + ", kernel " + escape(or_dash(cell.kernel_version)) + ", audit " + escape(or_dash(cell.audit_version)));
  row("verdict (model)", escape(or_dash(verdict_name(cell.verdict))));
  row("verdict (kernel's witnesses)", escape(or_dash(verdict_name(cell.kernel_verdict))));
  row("expected", escape(or_dash(verdict_name(cell.expected_verdict))));
  row("records as predicted", std::to_string(cell.records_matched) + "/" + std::to_string(cell.records_expected));
  if (!cell.infra_error.empty()) row("could not run", "<span class=\"no\">" + escape(cell.infra_error) + "</span>");
  row("logs", escape(or_dash(cell.audit_log)) + "<br>" + escape(or_dash(cell.console_log)));
  out << "</table>\n";
  for (const auto& u : cell.uncovered) out << "<p class=\"no\">Not audited: " << escape(u) << "</p>\n";
  bool failed = false;
  for (const auto& a : cell.assertions) failed |= a.status != Status::pass;
  if (failed) {
    out << "<h3>Assertions that did not hold</h3>\n<ul>\n";
    for (const auto& a : cell.assertions)
      if (a.status != Status::pass) out << "<li class=\"" << to_string(a.status) << "\">" << escape(a.name) << ": " << escape(a.message) << "</li>\n";
    out << "</ul>\n";
  }
  out << "<h3>Load</h3>\n";
  if (cell.load_failure) out << "<p class=\"no\">" << escape(cell.load_failure->sentence()) << "</p>\n";
  if (!cell.evidence) {
    out << "<p>No evidence: the cell did not run to the end.</p>\n";
    return;
  }
  const auto& e = *cell.evidence;
  if (e.auditctl_R) out << "<p>auditctl -R exit status " << e.auditctl_R->exit_status << "</p><pre>" << escape(e.auditctl_R->output) << "</pre>\n";
  else if (!cell.load_failure) out << "<p>No rules to load.</p>\n";
  out << "<h3>Rules seen (auditctl -l)</h3>\n<pre>" << escape(e.auditctl_l) << "</pre>\n";
  if (!e.status_checks.empty()) {
    out << "<h3>State checks</h3>\n<table><tr><th>rule</th><th>verdict</th><th>not met</th></tr>\n";
    for (const auto& check : e.status_checks) {
      std::string reasons;
      for (const auto& r : check.reasons) reasons += escape(r) + "<br>";
      out << "<tr><td>" << escape(check.rule) << "</td><td>" << check::to_string(check.verdict) << "</td><td>" << reasons << "</td></tr>\n";
    }
    out << "</table>\n";
  }
  out << "<h3>Calls (" << e.actions.size() << ")</h3>\n<table><tr><th>#</th><th>actor</th><th>call</th><th>expected</th><th>result</th>"
      << "<th>prediction</th><th>record</th></tr>\n";
  for (const auto& a : e.actions)
    out << "<tr><td>" << a.index << "</td><td>" << escape(a.actor) << "</td><td>" << to_string(a.abi) << " " << escape(a.syscall) << "</td><td>"
        << escape(a.expect) << "</td><td>" << escape(a.result.value_or("not made")) << "</td><td>"
        << (a.result ? std::string(check::to_string(a.predicted)) : "-") << "</td><td>" << records_cell(a.records) << "</td></tr>\n";
  out << "</table>\n";
  out << "<h3>Witness events (" << e.witnesses.size() << ")</h3>\n<table><tr><th>event</th><th>witness</th><th>prediction</th>"
      << "<th>result</th><th>held</th><th>record</th></tr>\n";
  for (const auto& w : e.witnesses)
    out << "<tr" << (w.held() ? "" : " class=\"fail\"") << "><td>#" << w.number << "</td><td>" << escape(w.text()) << "<br><small>"
        << escape(w.region) << "</small></td><td>" << check::to_string(w.predicted) << "</td><td>" << escape(w.result.value_or("not made"))
        << "</td><td>" << (w.held() ? "yes" : "no") << "</td><td>" << records_cell(w.records) << "</td></tr>\n";
  out << "</table>\n";
}

}  // namespace

std::string html_report(const RunResult& run) {
  std::ostringstream out;
  int passed = 0;
  for (const auto& cell : run.cells) passed += cell.status() == Status::pass;
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%.1f", run.seconds);
  out << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>auditvm report</title>\n<style>" << kStyle
      << "</style></head>\n<body>\n<h1>auditvm " << escape(run.version) << ": " << kStigDisplayName << " STIG audit rules in real guests</h1>\n";
  out << "<p class=\"summary\">Overall: <span class=\"status " << to_string(run.status()) << "\">" << to_string(run.status()) << "</span>, "
      << passed << " of " << run.cells.size() << " cells as specified; started " << escape(or_dash(run.started_at)) << ", " << seconds << " s.</p>\n";
  matrix(run, out);
  for (const auto& cell : run.cells) cell_section(cell, out);
  out << "</body></html>\n";
  return out.str();
}

}  // namespace auditvm::report
