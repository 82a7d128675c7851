// Where auditvm's own data lives (guest/, nix/, scenarios/): $AUDITVM_HOME for an installed copy,
// else the source tree it was built from. InputError when AUDITVM_HOME is set but is not such a tree.
#pragma once

#include <filesystem>

namespace auditvm {

std::filesystem::path project_root();

}  // namespace auditvm
