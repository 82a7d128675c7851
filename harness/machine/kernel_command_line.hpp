// The guest kernel's command line: the image's parameters, the arch's boot parameters, a boot's
// extra ones (a configuration's audit= and audit_backlog_limit=), and the shared directories.
#pragma once

#include <string>
#include <vector>

#include "image/manifest.hpp"

namespace auditvm::machine {

std::string kernel_command_line(const image::Manifest& manifest, const std::vector<std::string>& extra_params);

}  // namespace auditvm::machine
