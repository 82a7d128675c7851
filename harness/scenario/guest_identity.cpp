#include "scenario/guest_identity.hpp"

namespace auditvm::scenario {
namespace {

std::string trimmed(const std::string& text) {
  const auto begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) return "";
  return text.substr(begin, text.find_last_not_of(" \t\r\n") - begin + 1);
}

}  // namespace

std::string upstream_version(const std::string& debian_version) {
  std::string version = debian_version;
  if (auto colon = version.find(':'); colon != std::string::npos) version = version.substr(colon + 1);
  if (auto dash = version.rfind('-'); dash != std::string::npos) version = version.substr(0, dash);
  return version;
}

std::optional<std::string> guest_identity_mismatch(const std::string& manifest_kernel, const std::string& manifest_audit,
                                                   const std::string& uname_r, const std::string& auditctl_v) {
  std::string differences;
  const std::string kernel = trimmed(uname_r);
  if (!manifest_kernel.empty() && kernel != manifest_kernel)
    differences = "the guest runs kernel '" + kernel + "', its image names " + manifest_kernel;
  // auditctl -v prints "auditctl version 3.0.9".
  std::string audit = trimmed(auditctl_v);
  if (auto space = audit.rfind(' '); space != std::string::npos) audit = audit.substr(space + 1);
  if (!manifest_audit.empty() && audit != upstream_version(manifest_audit))
    differences += (differences.empty() ? "" : "; ") + std::string("the guest's auditctl is version '") + audit + "', its image names " +
                   manifest_audit;
  if (differences.empty()) return std::nullopt;
  return differences;
}

}  // namespace auditvm::scenario
