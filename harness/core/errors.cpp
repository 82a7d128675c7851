#include "core/errors.hpp"

namespace auditvm {

std::string format_location(const InputLocation& where) {
  std::string out = where.file.empty() ? "<input>" : where.file;
  if (where.line > 0) out += ":" + std::to_string(where.line);
  if (!where.field.empty()) out += ": " + where.field;
  return out;
}

InputError::InputError(InputLocation where, const std::string& what)
    : std::runtime_error(format_location(where) + ": " + what), where_(std::move(where)), detail_(what) {}

}  // namespace auditvm
