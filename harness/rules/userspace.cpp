#include "rules/userspace.hpp"

#include <cctype>

namespace auditvm::rules {

std::optional<Userspace> userspace_from_version(std::string_view version) {
  if (auto colon = version.find(':'); colon != std::string_view::npos) version.remove_prefix(colon + 1);  // Debian epoch
  size_t digits = 0;
  while (digits < version.size() && std::isdigit(static_cast<unsigned char>(version[digits]))) ++digits;
  if (digits == 0 || digits == version.size() || version[digits] != '.') return std::nullopt;
  std::string_view major = version.substr(0, digits);
  if (major == "3") return Userspace::audit3;
  if (major == "4") return Userspace::audit4;
  return std::nullopt;
}

std::string_view to_string(Userspace userspace) { return userspace == Userspace::audit3 ? "audit 3.0" : "audit 4.x"; }

}  // namespace auditvm::rules
