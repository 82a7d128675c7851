#include "core/json_file.hpp"

#include "core/files.hpp"

namespace auditvm {

JsonDocument parse_json_document(std::string text, const std::string& file, const std::string& what) {
  try {
    JsonLines lines(text, file);  // first: syntax, numbers and depth, with the line, in linear time
    auto value = nlohmann::json::parse(text);
    return {std::move(value), std::move(lines)};
  } catch (const InputError& e) {
    throw InputError(e.where(), what + " " + e.detail());
  }
}

const nlohmann::json& json_member(const nlohmann::json& object, const std::string& key, const InputLocation& at) {
  if (!object.is_object()) throw InputError({at.file, at.line, at.field.empty() ? "/" : at.field}, "expected an object");
  auto it = object.find(key);
  if (it == object.end()) throw InputError({at.file, at.line, at.field + "/" + key}, "missing");
  return *it;
}

JsonDocument read_json_document(const std::filesystem::path& file, const std::string& what) {
  return parse_json_document(read_file(file), file.string(), what);
}

}  // namespace auditvm
