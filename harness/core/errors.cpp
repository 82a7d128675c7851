#include "core/errors.hpp"

#include <cstdio>

namespace auditvm {

std::string format_location(const InputLocation& where) {
  std::string out = where.file.empty() ? "<input>" : where.file;
  if (where.line > 0) out += ":" + std::to_string(where.line);
  if (!where.field.empty()) out += ": " + where.field;
  return out;
}

std::string escape_control(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if ((byte < 0x20 && c != '\n' && c != '\t') || byte == 0x7f) {
      char hex[5];
      std::snprintf(hex, sizeof hex, "\\x%02x", byte);
      out += hex;
    } else {
      out += c;
    }
  }
  return out;
}

InputError::InputError(InputLocation where, const std::string& what)
    : std::runtime_error(escape_control(format_location(where) + ": " + what)), where_(std::move(where)), detail_(what) {}

}  // namespace auditvm
