// Running a host program to completion (apt-get, readelf, nix-build): argv, no shell.
#pragma once

#include <string>
#include <vector>

namespace auditvm {

struct ProcessResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// Throws InfraError when the program cannot be started (e.g. not installed).
ProcessResult run_process(const std::vector<std::string>& argv);

// True when `program` is found on PATH.
bool program_exists(const std::string& program);

}  // namespace auditvm
