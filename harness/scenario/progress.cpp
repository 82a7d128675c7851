#include "scenario/progress.hpp"

namespace auditvm::scenario {

Progress::Progress(std::size_t total, bool quiet, std::ostream& out) : total_(total), quiet_(quiet), out_(out) {}

void Progress::say(const std::string& cell_id, const std::string& what) {
  std::lock_guard lock(mutex_);
  if (!quiet_) out_ << "[" << done_ << "/" << total_ << "] " << cell_id << ": " << what << "\n";
}

void Progress::finished(const report::CellResult& result) {
  std::lock_guard lock(mutex_);
  ++done_;
  if (quiet_) return;
  out_ << "[" << done_ << "/" << total_ << "] " << result.id() << ": done, " << (result.verdict ? report::verdict_name(result.verdict) : "no verdict")
       << ", " << report::to_string(result.status()) << " (" << static_cast<int>(result.seconds) << " s";
  // A failed cell also names its guest's boot (its own time leaves the boot out): a boot that timed out is not "0 s".
  const double boot = result.timings.boot + result.timings.restore;
  if (!result.infra_error.empty() && boot > 0) out_ << ", after " << static_cast<int>(boot) << " s booting";
  out_ << ")\n";
}

std::size_t Progress::done() const {
  std::lock_guard lock(mutex_);
  return done_;
}

}  // namespace auditvm::scenario
