// The two kinds of failure the CLI maps to exit status 2. Everything else is a verdict (0/1/3).
#pragma once

#include <optional>
#include <stdexcept>
#include <string>

namespace auditvm {

// Where in the user's input something is wrong: file, line (1-based, 0 = none) and the field or
// JSON path, so every message can name all three.
struct InputLocation {
  std::string file;
  int line = 0;
  std::string field;
};

std::string format_location(const InputLocation& where);

// `text` with control bytes other than newline and tab written as \xNN: a NUL would end the
// message early, an escape sequence would reach the user's terminal.
std::string escape_control(const std::string& text);

// Bad input from the user: a malformed rule, an unknown option, a scenario that does not validate.
// what() is the location and the message, control bytes escaped; detail() the message as given.
class InputError : public std::runtime_error {
 public:
  InputError(InputLocation where, const std::string& what);
  const InputLocation& where() const { return where_; }
  const std::string& detail() const { return detail_; }

 private:
  InputLocation where_;
  std::string detail_;
};

// The machinery failed (a VM did not boot, a package is missing, a timeout): not a verdict.
class InfraError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace auditvm
