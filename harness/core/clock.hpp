// Wall-clock time as reports write it.
#pragma once

#include <string>

namespace auditvm {

// Now, in UTC, to the second: "2026-12-01T21:08:10Z" (ISO 8601, as STIG Viewer and JSON readers expect).
std::string now_iso8601();

// This machine's host name ("" when it has none), as reports name where a run ran.
std::string host_name();

}  // namespace auditvm
