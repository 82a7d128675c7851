#include "scenario/guest_identity.hpp"

#include "core/text.hpp"

namespace auditvm::scenario {

std::string upstream_version(const std::string& debian_version) {
  std::string version = debian_version;
  if (auto colon = version.find(':'); colon != std::string::npos) version = version.substr(colon + 1);
  if (auto dash = version.rfind('-'); dash != std::string::npos) version = version.substr(0, dash);
  return version;
}

std::optional<std::string> guest_identity_mismatch(const std::string& manifest_kernel, const std::string& manifest_audit,
                                                   const std::string& uname_r, const std::string& auditctl_v) {
  std::string differences;
  const std::string kernel = trim(uname_r);
  if (!manifest_kernel.empty() && kernel != manifest_kernel)
    differences = "the guest runs kernel '" + kernel + "', its image names " + manifest_kernel;
  // auditctl -v prints "auditctl version 3.0.9".
  std::string audit = trim(auditctl_v);
  if (auto space = audit.rfind(' '); space != std::string::npos) audit = audit.substr(space + 1);
  if (!manifest_audit.empty() && audit != upstream_version(manifest_audit))
    differences += (differences.empty() ? "" : "; ") + std::string("the guest's auditctl is version '") + audit + "', its image names " +
                   manifest_audit;
  if (differences.empty()) return std::nullopt;
  return differences;
}

}  // namespace auditvm::scenario
