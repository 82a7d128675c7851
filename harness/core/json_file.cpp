#include "core/json_file.hpp"

#include <fstream>
#include <algorithm>
#include <iterator>

#include "core/errors.hpp"

namespace auditvm {

namespace {

std::string read_text(const std::filesystem::path& file, const std::string& what) {
  std::ifstream in(file);
  if (!in) throw InputError({file.string(), 0, ""}, "cannot read " + what);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

nlohmann::json parse(const std::string& text, const std::filesystem::path& file, const std::string& what) {
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    // nlohmann reports a byte offset; people want the line.
    int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(std::min(e.byte, text.size())), '\n'));
    throw InputError({file.string(), line, ""}, what + " is not valid JSON: " + e.what());
  }
}

}  // namespace

nlohmann::json read_json_file(const std::filesystem::path& file, const std::string& what) {
  return parse(read_text(file, what), file, what);
}

JsonDocument read_json_document(const std::filesystem::path& file, const std::string& what) {
  std::string text = read_text(file, what);
  auto value = parse(text, file, what);
  return {std::move(value), JsonLines(text)};
}

}  // namespace auditvm
