// Reading a user's JSON file: unreadable or malformed files are InputErrors naming the file and,
// for syntax errors, the line.
#pragma once

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "core/json_lines.hpp"

namespace auditvm {

// `what` names the kind of file in messages ("scenario file", "manifest").
nlohmann::json read_json_file(const std::filesystem::path& file, const std::string& what);

// The same, with the line index of the text, for loaders whose errors name JSON pointers:
// `document.lines.locate(error)` adds the line.
struct JsonDocument {
  nlohmann::json value;
  JsonLines lines;
};
JsonDocument read_json_document(const std::filesystem::path& file, const std::string& what);

}  // namespace auditvm
