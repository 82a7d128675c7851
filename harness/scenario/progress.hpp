// Live progress of a run on stderr ("[3/34] stig-fix@x86_64: running"), shared by the workers.
#pragma once

#include <cstddef>
#include <mutex>
#include <ostream>
#include <string>

#include "report/result.hpp"

namespace auditvm::scenario {

class Progress {
 public:
  // quiet: count, print nothing.
  Progress(std::size_t total, bool quiet, std::ostream& out);
  void say(const std::string& cell_id, const std::string& what);
  void finished(const report::CellResult& result);
  std::size_t done() const;

 private:
  mutable std::mutex mutex_;  // guards done_ and the stream, quiet or not
  std::size_t total_;
  std::size_t done_ = 0;
  bool quiet_;
  std::ostream& out_;
};

}  // namespace auditvm::scenario
