#include "rules/userspace.hpp"

#include <cctype>

namespace auditvm::rules {
namespace {

// The leading number of `text`, consumed with the '.' after it; none if there is none.
std::optional<int> leading_number(std::string_view& text) {
  size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
  if (digits == 0 || digits > 4) return std::nullopt;
  int number = std::stoi(std::string(text.substr(0, digits)));
  text.remove_prefix(digits);
  if (!text.empty() && text[0] == '.') text.remove_prefix(1);
  return number;
}

}  // namespace

std::optional<Userspace> userspace_from_version(std::string_view version) {
  if (auto colon = version.find(':'); colon != std::string_view::npos) version.remove_prefix(colon + 1);  // Debian epoch
  auto major = leading_number(version);
  auto minor = leading_number(version);
  if (!major || !minor) return std::nullopt;
  if (*major == 3) return Userspace::audit3;
  if (*major == 4) return *minor >= 2 ? Userspace::audit4_2 : Userspace::audit4;
  return std::nullopt;
}

std::string_view to_string(Userspace userspace) {
  switch (userspace) {
    case Userspace::audit3: return "audit 3.0";
    case Userspace::audit4: return "audit 4.0";
    case Userspace::audit4_2: return "audit 4.2";
  }
  return "?";
}

}  // namespace auditvm::rules
