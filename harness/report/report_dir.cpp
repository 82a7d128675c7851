#include "report/report_dir.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <sstream>
#include <string_view>

#include "core/clock.hpp"
#include "core/errors.hpp"
#include "core/write_file.hpp"
#include "report/assets.hpp"
#include "report/writers.hpp"

namespace auditvm::report {
namespace {

namespace fs = std::filesystem;

constexpr const char* kLockFile = ".auditvm.lock";

bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Only what a run writes goes: result.json, junit.xml, report.html, cklb/*.cklb, *.ckl and *-xccdf.xml, logs/*.log(.qemu) and the temporary
// files of an interrupted write; anything else the user keeps there stays.
bool written_by_a_run(const fs::path& file, bool top) {
  std::string name = file.filename().string();
  if (name.rfind('.', 0) == 0 && name.find(".tmp-") != std::string::npos) return true;
  if (top) return name == "result.json" || name == "junit.xml" || name == "report.html";
  return ends_with(name, ".cklb") || ends_with(name, ".ckl") || ends_with(name, "-xccdf.xml") || ends_with(name, ".log") || ends_with(name, ".log.qemu");
}

void remove_previous_results(const fs::path& dir) {
  const std::pair<fs::path, bool> places[] = {{dir, true}, {dir / "cklb", false}, {dir / "logs", false}};
  for (const auto& [sub, top] : places) {
    if (!fs::is_directory(sub)) continue;
    std::error_code error;
    for (fs::directory_iterator it(sub, error), end; !error && it != end; it.increment(error)) {
      if (!it->is_regular_file() || !written_by_a_run(it->path(), top)) continue;
      std::error_code removed;
      if (!fs::remove(it->path(), removed) && removed)
        throw InfraError("cannot remove the previous run's " + it->path().string() + ": " + removed.message());
    }
    if (error) throw InfraError("cannot read the report directory " + sub.string() + ": " + error.message());
  }
}

}  // namespace

std::string relative_to(const std::string& path, const fs::path& dir) {
  if (path.empty()) return path;
  auto relative = fs::absolute(path).lexically_normal().lexically_relative(fs::absolute(dir).lexically_normal());
  return relative.empty() || *relative.begin() == ".." ? path : relative.string();
}

std::string paths_relative_to(const std::string& text, const fs::path& dir) {
  // A path ends where a message's punctuation or a space begins: "(console log: /x/logs/a.log)".
  static constexpr std::string_view kEnds = " \t\n\r()[]{}<>'\"`,;=";
  std::string out;
  std::size_t at = 0;
  while (at < text.size()) {
    auto end = text.find_first_of(kEnds, at);
    if (end == at) {
      out += text[at++];
      continue;
    }
    if (end == std::string::npos) end = text.size();
    std::string word = text.substr(at, end - at);
    auto relative = word.find('/') == std::string::npos ? word : relative_to(word, dir);
    out += relative == "." ? word : relative;  // the directory itself keeps its name
    at = end;
  }
  return out;
}

CellResult with_paths_relative_to(CellResult cell, const fs::path& dir) {
  cell.console_log = relative_to(cell.console_log, dir);
  cell.audit_log = relative_to(cell.audit_log, dir);
  cell.infra_error = paths_relative_to(cell.infra_error, dir);
  for (auto& assertion : cell.assertions) assertion.message = paths_relative_to(assertion.message, dir);
  return cell;
}

ReportDir::ReportDir(fs::path dir) : dir_(std::move(dir)) {
  make_directories(dir_);
  fs::path lock = dir_ / kLockFile;
  lock_fd_ = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock_fd_ < 0)
    throw InfraError("cannot use the report directory " + dir_.string() + ": cannot create " + lock.string() + ": " + std::strerror(errno));
  // The lock lives as long as this descriptor, which no child inherits (O_CLOEXEC): a killed run
  // never leaves it held.
  if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    int error = errno;
    ::close(lock_fd_);
    if (error == EWOULDBLOCK)
      throw InfraError("the report directory " + dir_.string() + " is in use by another auditvm run (" + lock.string() +
                       " is locked); give this run its own --report-dir");
    throw InfraError("cannot lock " + lock.string() + ": " + std::strerror(error));
  }
  try {
    remove_previous_results(dir_);
    make_directories(logs());
  } catch (...) {
    ::close(lock_fd_);
    throw;
  }
}

ReportDir::~ReportDir() { ::close(lock_fd_); }

void ReportDir::write_reports(const RunResult& ran, const std::vector<check::StigRule>& rules, const TargetData& target) const {
  // The reports name their logs relative to this directory, so they stay true where it is moved.
  RunResult run = ran;
  for (auto& cell : run.cells) cell = with_paths_relative_to(std::move(cell), dir_);
  write_file_atomic(dir_ / "result.json", to_json(run).dump(2) + "\n");
  std::ostringstream junit;
  write_junit(run, junit);
  write_file_atomic(dir_ / "junit.xml", junit.str());
  write_file_atomic(dir_ / "report.html", html_report(run));
  for (const auto& cell : run.cells) {
    auto rule = std::find_if(rules.begin(), rules.end(), [&](const check::StigRule& r) { return r.group_id == cell.stig; });
    if (rule == rules.end()) throw InfraError("no STIG rule data for " + cell.stig + " to write the checklist of " + cell.id());
  }
  for (const auto& asset : asset_checklists(run, rules, target))
    write_checklists(asset.name, asset.target, asset.findings, run.version, run.started_at);
}

void ReportDir::write_checklists(const std::string& name, const ChecklistTarget& target, const std::vector<Finding>& findings,
                                 const std::string& auditvm_version, const std::string& start_time) const {
  make_directories(dir_ / "cklb");
  write_file_atomic(file_in(dir_ / "cklb", name + ".cklb"), cklb(target, findings).dump(2) + "\n");
  write_file_atomic(file_in(dir_ / "cklb", name + ".ckl"), ckl(target, findings));
  write_file_atomic(file_in(dir_ / "cklb", name + "-xccdf.xml"), xccdf(target, findings, auditvm_version, start_time, now_iso8601()));
}

}  // namespace auditvm::report
