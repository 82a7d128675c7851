#include "core/project_root.hpp"

#include <cstdlib>

namespace auditvm {

std::filesystem::path project_root() {
  if (const char* home = std::getenv("AUDITVM_HOME")) return home;
  return AUDITVM_SOURCE_ROOT;
}

}  // namespace auditvm
