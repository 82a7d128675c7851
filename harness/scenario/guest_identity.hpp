#pragma once
// Whether a cell's guest is the one its image manifest names: `uname -r` is the manifest's kernel
// and `auditctl -v` the upstream part of its audit package's version. Without this a stale or
// mixed-up image would be reported under the versions its manifest claims.
#include <optional>
#include <string>

namespace auditvm::scenario {

// The upstream version of a Debian package version: "1:3.0.9-1" -> "3.0.9", "4.0.2" -> "4.0.2".
std::string upstream_version(const std::string& debian_version);

// What differs, in one sentence, or nothing. An empty manifest field is not compared (an image
// from before the field existed).
std::optional<std::string> guest_identity_mismatch(const std::string& manifest_kernel, const std::string& manifest_audit,
                                                   const std::string& uname_r, const std::string& auditctl_v);

}  // namespace auditvm::scenario
