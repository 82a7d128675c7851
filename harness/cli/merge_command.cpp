// auditvm merge: the report directories of a matrix's shards as one (result.json, junit.xml, the
// checklists, logs/), written from the shards' typed results as a single run would write them.
#include <iostream>

#include "check/stig.hpp"
#include "cli/command.hpp"
#include "cli/run_options.hpp"
#include "core/errors.hpp"
#include "core/write_file.hpp"
#include "report/merge.hpp"
#include "report/report_dir.hpp"
#include "report/result_reader.hpp"
#include "report/writers.hpp"

namespace auditvm::cli {
namespace {

namespace fs = std::filesystem;

struct MergeOptions {
  std::vector<std::string> shard_dirs;
  std::string report_dir;
  TargetOptions target;
};

bool same_directory(const fs::path& a, const fs::path& b) {
  std::error_code error;
  return fs::equivalent(a, b, error);
}

// The shard's logs into the merged logs/: their names are cell ids, so two shards never share one.
void copy_logs(const fs::path& shard, const fs::path& logs) {
  if (!fs::is_directory(shard / "logs")) return;
  std::error_code error;
  for (fs::directory_iterator it(shard / "logs", error), end; !error && it != end; it.increment(error)) {
    if (!it->is_regular_file()) continue;
    auto to = logs / it->path().filename();
    if (fs::exists(to)) throw InputError({it->path().string(), 0, ""}, "another shard has a log of that name: the shards overlap");
    std::error_code copied;
    if (!fs::copy_file(it->path(), to, copied)) throw InfraError("cannot copy " + it->path().string() + " to " + to.string() + ": " + copied.message());
  }
  if (error) throw InfraError("cannot read " + (shard / "logs").string() + ": " + error.message());
}

int merge(const MergeOptions& options) {
  auto target = options.target.value();
  std::vector<report::RunResult> shards;
  std::vector<std::string> names;
  for (const auto& dir : options.shard_dirs) {
    if (same_directory(dir, options.report_dir))
      throw InputError({"--report-dir", 0, options.report_dir}, "is one of the shards: merge into a directory of its own");
    auto file = fs::path(dir) / "result.json";
    if (!fs::is_regular_file(file)) throw InputError({file.string(), 0, ""}, "no such file: " + dir + " is not the report directory of a run");
    auto shard = report::load_run_result(file);
    // Paths in a shard's result are relative to it (or, from older versions, absolute under it).
    for (auto& cell : shard.cells) cell = report::with_paths_relative_to(std::move(cell), dir);
    shards.push_back(std::move(shard));
    names.push_back(file.string());
  }
  auto merged = report::merge_runs(shards, names);
  report::ReportDir reports(options.report_dir);
  for (const auto& dir : options.shard_dirs) copy_logs(dir, reports.logs());
  report::write_table(merged, std::cout);
  reports.write_reports(merged, check::load_stig_rules(check::shipped_stig_dir()), target);
  std::cout << "reports: " << options.report_dir << "/{result.json,junit.xml,report.html,cklb/,logs/} (" << merged.cells.size() << " cells from "
            << shards.size() << " shards)\n";
  flush_standard_output();
  return merged.exit_code();
}

}  // namespace

CommandRunner register_merge(CLI::App& root, const GlobalOptions&) {
  auto options = std::make_shared<MergeOptions>();
  auto* cmd = root.add_subcommand("merge", "Merge the report directories of a matrix's shards into one");
  cmd->add_option("shards", options->shard_dirs, "Report directories of the shards (run --report-dir)")->required()->check(CLI::ExistingDirectory);
  cmd->add_option("--report-dir", options->report_dir, "Where the merged reports and logs go")->required();
  options->target.add_to(*cmd);
  cmd->footer("Exit status: as the single run's: 0 everything as expected, 1 an assertion failed, 2 bad input or an infrastructure error.");
  return [options] { return merge(*options); };
}

}  // namespace auditvm::cli
