// result.json read back into the result model (the JSON writer's inverse), for `auditvm merge`:
// shards of one matrix become one run, and every report is written again from typed data.
#pragma once

#include <filesystem>

#include "report/result.hpp"

namespace auditvm::report {

// InputError naming the file, line and JSON pointer of anything that is not what the writer writes.
RunResult load_run_result(const std::filesystem::path& file);

}  // namespace auditvm::report
