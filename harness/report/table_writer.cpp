#include <iomanip>
#include <set>

#include "report/writers.hpp"

namespace auditvm::report {

void write_table(const RunResult& run, std::ostream& out) {
  // Several suites: which kernel and audit userspace each row ran on.
  std::set<std::string> suites;
  for (const auto& cell : run.cells) suites.insert(cell.suite);
  const bool versions = suites.size() > 1;
  out << std::left << std::setw(28) << "configuration" << std::setw(9) << "arch";
  if (versions) out << std::setw(18) << "suite" << std::setw(24) << "kernel" << std::setw(20) << "audit";
  out << std::setw(13) << "verdict" << std::setw(13) << "expected" << std::setw(10) << "records" << "result\n";
  for (const auto& cell : run.cells) {
    std::string records = std::to_string(cell.records_matched) + "/" + std::to_string(cell.records_expected);
    out << std::setw(28) << cell.configuration << std::setw(9) << auditvm::to_string(cell.arch);
    if (versions) out << std::setw(18) << cell.suite << std::setw(24) << cell.kernel_version << std::setw(20) << cell.audit_version;
    out << std::setw(13) << (cell.verdict ? verdict_name(cell.verdict) : "-") << std::setw(13) << verdict_name(cell.expected_verdict) << std::setw(10) << records
        << to_string(cell.status());
    if (cell.load_failure) out << "  (rules stopped loading at line " << cell.load_failure->line << ")";
    if (!cell.infra_error.empty()) out << "  (" << cell.infra_error << ")";
    out << "\n";
    for (const auto& a : cell.assertions)
      if (a.status != Status::pass) out << "    " << to_string(a.status) << ": " << a.name << ": " << a.message << "\n";
  }
  out << "overall: " << to_string(run.status()) << " (" << run.cells.size() << " cells, " << std::fixed << std::setprecision(1)
      << run.seconds << " s)\n";
}

}  // namespace auditvm::report
