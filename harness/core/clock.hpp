// Wall-clock time as reports write it, and the steady clock that times phases.
#pragma once

#include <chrono>
#include <string>

namespace auditvm {

// Now, in UTC, to the second: "2026-12-01T21:08:10Z" (ISO 8601, as STIG Viewer and JSON readers expect).
std::string now_iso8601();

// This machine's host name ("" when it has none), as reports name where a run ran.
std::string host_name();

// Seconds on the steady clock, phase by phase: lap() is the time since the last lap (or the start).
class Stopwatch {
 public:
  double lap() {
    auto now = std::chrono::steady_clock::now();
    double seconds = std::chrono::duration<double>(now - last_).count();
    last_ = now;
    return seconds;
  }
  double total() const { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count(); }

 private:
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now(), last_ = start_;
};

}  // namespace auditvm
