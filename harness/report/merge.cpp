#include "report/merge.hpp"

#include <algorithm>
#include <map>

#include "core/errors.hpp"

namespace auditvm::report {

RunResult merge_runs(const std::vector<RunResult>& shards, const std::vector<std::string>& names) {
  RunResult merged;
  std::map<std::string, std::string> ran_by;  // cell id -> the shard that ran it
  for (std::size_t i = 0; i < shards.size(); ++i) {
    const auto& shard = shards[i];
    const std::string& name = names.at(i);
    if (i == 0) merged.version = shard.version;
    else if (shard.version != merged.version)
      throw InputError({name, 0, "/auditvm_version"}, "is " + shard.version + ", but " + names[0] + " is " + merged.version +
                                                          ": shards of one matrix come from one auditvm");
    if (merged.started_at.empty() || (!shard.started_at.empty() && shard.started_at < merged.started_at)) merged.started_at = shard.started_at;
    merged.seconds = std::max(merged.seconds, shard.seconds);  // the shards ran side by side
    for (const auto& cell : shard.cells) {
      auto [it, fresh] = ran_by.emplace(cell.id(), name);
      if (!fresh) throw InputError({name, 0, "/cells"}, "cell " + cell.id() + " is in " + it->second + " too: the shards overlap");
      merged.cells.push_back(cell);
    }
  }
  return merged;
}

}  // namespace auditvm::report
