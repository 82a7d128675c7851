// Shards of one matrix (run --shard I/N, or jobs split by --config/--arch) as one run.
#pragma once

#include <string>
#include <vector>

#include "report/result.hpp"

namespace auditvm::report {

// The cells of every shard, in the order given; the earliest start, the longest shard's time.
// InputError (naming `names[i]`, the shard's result file) for a cell that two shards ran or
// shards of different auditvm versions.
RunResult merge_runs(const std::vector<RunResult>& shards, const std::vector<std::string>& names);

}  // namespace auditvm::report
