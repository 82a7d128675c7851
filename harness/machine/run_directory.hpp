// The private run directories guests keep their sockets in: auditvm-run-<pid>-XXXXXX under
// $XDG_RUNTIME_DIR or /tmp. The owner's pid is in the name so that directories a killed run
// (kill -9) left behind can be told from a live run's and removed.
#pragma once

#include <filesystem>

namespace auditvm::machine {

// A new 0700 directory under `base` named for this process; InfraError when it cannot be made.
// Sweeps `base` of stale ones first (once per process and base).
std::filesystem::path make_run_directory(const std::filesystem::path& base);

// Removes the run directories under `base` whose owner process is gone; a live owner's stay,
// as does anything not named like a run directory. Returns how many were removed.
int sweep_stale_run_directories(const std::filesystem::path& base);

}  // namespace auditvm::machine
