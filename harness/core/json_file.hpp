// Reading a user's JSON file: unreadable, oversized, malformed or too deeply nested files are
// InputErrors naming the file and, where there is one, the line; and reading one field of it.
#pragma once

#include <filesystem>
#include <limits>
#include <map>
#include <string>
#include <type_traits>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/errors.hpp"
#include "core/json_lines.hpp"

namespace auditvm {

// The parsed value with the line index of its text: loaders whose errors name JSON pointers
// rethrow them through `document.lines.locate(error)`, which adds the line.
struct JsonDocument {
  nlohmann::json value;
  JsonLines lines;
};

// `what` names the kind of file in messages ("scenario file", "manifest").
JsonDocument read_json_document(const std::filesystem::path& file, const std::string& what);
JsonDocument parse_json_document(std::string text, const std::string& file, const std::string& what);

// What a field of type T must be, in messages: "a string", "an array of strings".
template <typename T>
std::string json_type_name() {
  if constexpr (std::is_same_v<T, std::string>) return "a string";
  else if constexpr (std::is_same_v<T, bool>) return "true or false";
  else if constexpr (std::is_integral_v<T>) return "an integer";
  else if constexpr (std::is_same_v<T, std::vector<std::string>>) return "an array of strings";
  else if constexpr (std::is_same_v<T, std::map<std::string, std::string>>) return "an object of strings";
  else return "";
}

// `object[key]` (json_member) or `object[key]` as T (json_field). `at` is the file and the JSON
// pointer of `object`; a missing member or one of another type is an InputError naming the
// member's pointer. Integers must fit T.
const nlohmann::json& json_member(const nlohmann::json& object, const std::string& key, const InputLocation& at);

template <typename T>
T json_field(const nlohmann::json& object, const std::string& key, const InputLocation& at) {
  const nlohmann::json* it = &json_member(object, key, at);
  InputLocation member{at.file, at.line, at.field + "/" + key};
  if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
    bool fits = it->is_number_unsigned() ? it->template get<std::uint64_t>() <= static_cast<std::uint64_t>(std::numeric_limits<T>::max())
                : it->is_number_integer() ? std::is_signed_v<T> && it->template get<std::int64_t>() >= static_cast<std::int64_t>(std::numeric_limits<T>::min())
                                          : false;
    if (!fits) throw InputError(member, "expected an integer (" + std::to_string(std::numeric_limits<T>::min()) + ".." + std::to_string(std::numeric_limits<T>::max()) + ")");
  }
  try {
    return it->template get<T>();
  } catch (const nlohmann::json::exception&) {
    const std::string type = json_type_name<T>();
    throw InputError(member, type.empty() ? "has the wrong type" : "expected " + type);
  }
}

// The same, `fallback` when `object` has no member `key`.
template <typename T>
T json_field_or(const nlohmann::json& object, const std::string& key, T fallback, const InputLocation& at) {
  if (object.is_object() && !object.contains(key)) return fallback;
  return json_field<T>(object, key, at);
}

}  // namespace auditvm
