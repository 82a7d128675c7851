// The Debian suites a default guest can be built from. A suite names where the kernel and where
// the audit userspace come from (a backports suite: its kernel, the base suite's userspace), the
// apt sources auditvm's own apt state uses for it (the host's apt configuration is not read), and
// the guest's PID 1: busybox's /init (the default) or systemd, booting the way NixOS does.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace auditvm::image {

// PID 1 of a default guest: busybox's /init, or systemd from the suite's packages.
enum class GuestInit { busybox, systemd };

struct Suite {
  std::string name;       // bookworm, trixie, sid, trixie-backports
  std::string userspace;  // the release busybox, bash and auditd come from
  std::string kernel;     // the release the kernel comes from (== userspace unless backports)
  GuestInit init = GuestInit::busybox;
  bool operator==(const Suite&) const = default;
};

Suite default_suite();  // bookworm
std::optional<Suite> parse_suite(const std::string& name);
std::vector<std::string> suite_names();

// The same suite with another PID 1.
Suite with_init(Suite suite, GuestInit init);
std::optional<GuestInit> parse_init(const std::string& name);  // "busybox", "systemd"
const char* init_name(GuestInit init);

// What image directories, apt state and .debs of this suite are named with: empty for bookworm
// (the layout from before suites existed stays valid), else "-<name>"; "-systemd" follows for
// systemd guests (x86_64-systemd-..., x86_64-trixie-systemd-...).
std::string suite_tag(const Suite& suite);

// The one-line-style sources.list of the suite (its archive, updates and security where Debian has them).
std::string sources_list(const Suite& suite);
// apt preferences: a backports suite's kernel packages win over the base suite's; empty otherwise.
std::string apt_preferences(const Suite& suite);

}  // namespace auditvm::image
