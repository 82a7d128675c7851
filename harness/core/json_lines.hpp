// Which line of a JSON text each value starts on, by JSON pointer, so that an error found while
// validating the parsed value (which only knows its JSON path) can also name the line.
#pragma once

#include <map>
#include <string>

#include "core/errors.hpp"

namespace auditvm {

class JsonLines {
 public:
  // `text` must be valid JSON (parse it first: this index reports nothing about syntax).
  explicit JsonLines(const std::string& text);

  // The line of the value at `pointer` (for an object member: the line of its key). A pointer
  // the text does not contain gets the line of its nearest enclosing value; 0 if none.
  int line_of(const std::string& pointer) const;

  // `error` with the line of its JSON pointer (InputLocation::field) filled in, when it names a
  // pointer ("/..." or "") and no line yet; otherwise `error` unchanged.
  InputError locate(const InputError& error) const;

 private:
  std::map<std::string, int> lines_;
};

}  // namespace auditvm
