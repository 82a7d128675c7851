// Checks a JSON text and finds which line each value starts on, by JSON pointer, so that an error
// found while validating the parsed value (which only knows its JSON path) can also name the line.
#pragma once

#include <string>

#include "core/errors.hpp"

namespace auditvm {

// Deeper documents are rejected: no input of auditvm's needs more than a dozen levels, and every
// walk over a parsed value (comparison, merging, dumping) recurses once per level.
inline constexpr int kMaxJsonDepth = 64;

class JsonLines {
 public:
  // Reads `text` once, in time and memory linear in its size; throws an InputError naming `file`,
  // the line (and, where there is one, the JSON pointer) for a syntax error, a number out of range
  // or nesting deeper than kMaxJsonDepth.
  explicit JsonLines(std::string text, const std::string& file = "");

  // The line of the value at `pointer` (for an object member: the line of its key). A pointer
  // the text does not contain gets the line of its nearest enclosing value; 0 if none.
  // Reads the text again (errors are rare; an index of every value would cost more than the text).
  int line_of(const std::string& pointer) const;

  // `error` with the line of its JSON pointer (InputLocation::field) filled in, when it names a
  // pointer ("/..." or "") and no line yet; otherwise `error` unchanged.
  InputError locate(const InputError& error) const;

 private:
  std::string text_;
};

}  // namespace auditvm
