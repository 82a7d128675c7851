// Which audit userspace runs `auditctl`: the versions differ in what they accept in a rules file
// (measured in the bookworm, trixie and sid guests, README "What auditctl -R does, as measured")
// and in the syscall names their tables know (rules/syscall_table).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace auditvm::rules {

enum class Userspace {
  audit3,    // audit 3.0.x (Debian bookworm: 3.0.9)
  audit4,    // audit 4.0.x and 4.1.x (Debian trixie: 4.0.2; no 4.1 table measured, so 4.0.2's)
  audit4_2,  // audit 4.2.x and later 4.x (Debian sid: 4.2.1): reads rules files as audit4, knows more syscalls
};

// The newest table: what any of them may print (auditctl -l) or know.
inline constexpr Userspace kNewestUserspace = Userspace::audit4_2;

// "3.0.9", "1:3.0.9-1", "4.0.2", "1:4.2.1-1" (a Debian package version, as image manifests record
// it); none for anything else.
std::optional<Userspace> userspace_from_version(std::string_view version);
std::string_view to_string(Userspace userspace);

}  // namespace auditvm::rules
