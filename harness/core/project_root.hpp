// Where auditvm's own data lives (guest/, nix/, scenarios/): $AUDITVM_HOME for an installed copy,
// else the source tree it was built from.
#pragma once

#include <filesystem>

namespace auditvm {

std::filesystem::path project_root();

}  // namespace auditvm
