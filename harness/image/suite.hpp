// The Debian suites a default guest can be built from. A suite names where the kernel and where
// the audit userspace come from (a backports suite: its kernel, the base suite's userspace), and
// the apt sources auditvm's own apt state uses for it (the host's apt configuration is not read).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace auditvm::image {

struct Suite {
  std::string name;       // bookworm, trixie, sid, trixie-backports
  std::string userspace;  // the release busybox, bash and auditd come from
  std::string kernel;     // the release the kernel comes from (== userspace unless backports)
  bool operator==(const Suite&) const = default;
};

Suite default_suite();  // bookworm
std::optional<Suite> parse_suite(const std::string& name);
std::vector<std::string> suite_names();

// What image directories, apt state and .debs of this suite are named with: empty for bookworm
// (the layout from before suites existed stays valid), else "-<name>".
std::string suite_tag(const Suite& suite);

// The one-line-style sources.list of the suite (its archive, updates and security where Debian has them).
std::string sources_list(const Suite& suite);
// apt preferences: a backports suite's kernel packages win over the base suite's; empty otherwise.
std::string apt_preferences(const Suite& suite);

}  // namespace auditvm::image
