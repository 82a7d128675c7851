#include "core/project_root.hpp"

#include <cstdlib>

#include "core/errors.hpp"

namespace auditvm {

std::filesystem::path project_root() {
  const char* home = std::getenv("AUDITVM_HOME");
  if (!home) return AUDITVM_SOURCE_ROOT;
  // Checked here, once, so a wrong value is named as such instead of as a missing STIG rule or scenario.
  std::filesystem::path root(home);
  std::error_code error;
  if (root.empty() || !std::filesystem::is_directory(root / "scenarios" / "stig", error))
    throw InputError({"AUDITVM_HOME", 0, home}, "not an auditvm tree (expected a directory with scenarios/stig/, guest/ and nix/)");
  return root;
}

}  // namespace auditvm
