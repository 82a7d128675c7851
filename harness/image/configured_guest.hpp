// A systemd guest with one configuration built in: the base image's initramfs followed by a
// second cpio archive holding the configuration's files (the kernel unpacks both, the second
// over the first), and the configuration's kernel parameters. Its manifest is marked
// configuration_built_in, so the runner watches the boot instead of applying the configuration.
#pragma once

#include <string>
#include <vector>

#include "image/manifest.hpp"

namespace auditvm::image {

struct OverlayFile {
  std::string path;  // absolute, in the guest
  std::string contents;
  unsigned mode = 0644;
  std::string link_target;  // not empty: a symlink
};

// Kept in <base image dir>/configured/<key of files and params>/ (removed with the base image by
// `image prune`); the same configuration reuses it. Concurrent callers are safe.
Manifest configured_guest(const Manifest& base, const std::vector<OverlayFile>& files, const std::vector<std::string>& kernel_params);

}  // namespace auditvm::image
