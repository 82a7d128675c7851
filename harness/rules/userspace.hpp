// Which audit userspace runs `auditctl`: the versions differ in what they accept in a rules file
// (measured in the bookworm and trixie guests, README "What auditctl -R does, as measured").
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace auditvm::rules {

enum class Userspace {
  audit3,  // audit 3.0.x (Debian bookworm: 3.0.9)
  audit4,  // audit 4.x (Debian trixie: 4.0.2; sid's 4.2 reads rules files the same way as far as measured)
};

// "3.0.9", "1:3.0.9-1", "4.0.2", "1:4.0.2-2+deb13u1" (a Debian package version, as image manifests
// record it); none for anything else.
std::optional<Userspace> userspace_from_version(std::string_view version);
std::string_view to_string(Userspace userspace);

}  // namespace auditvm::rules
