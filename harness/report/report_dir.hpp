// The directory a run leaves its reports and logs in (--report-dir), held for the whole run:
// locked so that a second run on it stops instead of mixing its files in, and cleared of a
// previous (perhaps interrupted) run's results and logs, so that what is there is this run's.
#pragma once

#include <filesystem>
#include <vector>

#include "check/stig.hpp"
#include "report/result.hpp"
#include "report/finding.hpp"
#include "report/target.hpp"

namespace auditvm::report {

// A path under `dir` relative to it ("logs/x.audit.log"); any other as it is.
std::string relative_to(const std::string& path, const std::filesystem::path& dir);
// `text` (an error message) with each path in it under `dir` relative to it.
std::string paths_relative_to(const std::string& text, const std::filesystem::path& dir);
// The cell with every path it holds (logs, and those in its error and assertion messages) under
// `dir` relative to it: what result.json says stays true where the directory is moved.
CellResult with_paths_relative_to(CellResult cell, const std::filesystem::path& dir);

class ReportDir {
 public:
  // Creates the directory and logs/, takes the lock (.auditvm.lock, flock) and removes the files
  // an earlier run wrote. InfraError naming the path when the directory is unusable or in use.
  explicit ReportDir(std::filesystem::path dir);
  ~ReportDir();
  ReportDir(const ReportDir&) = delete;
  ReportDir& operator=(const ReportDir&) = delete;

  const std::filesystem::path& path() const { return dir_; }
  std::filesystem::path logs() const { return dir_ / "logs"; }

  // result.json, junit.xml, report.html and the checklists of each asset (asset_checklists:
  // cklb/<name>.cklb, .ckl and -xccdf.xml, <name> the host name given, else the cell id), each
  // written whole or not at all (InfraError). `rules`: the STIG rule data (every shipped rule), so
  // a checklist holds every rule evaluated; `target`: the asset the user named, else each cell's own.
  void write_reports(const RunResult& run, const std::vector<check::StigRule>& rules, const TargetData& target = {}) const;
  // cklb/<name>.cklb, .ckl and -xccdf.xml of one target's findings (also `auditvm check`'s).
  void write_checklists(const std::string& name, const ChecklistTarget& target, const std::vector<Finding>& findings,
                        const std::string& auditvm_version, const std::string& start_time) const;

 private:
  std::filesystem::path dir_;
  int lock_fd_ = -1;
};

}  // namespace auditvm::report
