#include "core/json_lines.hpp"

#include <iterator>
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

namespace auditvm {
namespace {

using nlohmann::json;

// What the parser has consumed so far. nlohmann's SAX events carry no positions, so the walk
// reads the text through an iterator that counts the newlines it hands over.
struct Consumed {
  int newlines = 0;
  char last = 0;
};

class CountingIterator {
 public:
  using iterator_category = std::input_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = const char&;

  CountingIterator(const char* at, Consumed* consumed) : at_(at), consumed_(consumed) {}
  reference operator*() const { return *at_; }
  CountingIterator& operator++() {
    consumed_->last = *at_;
    if (*at_ == '\n') ++consumed_->newlines;
    ++at_;
    return *this;
  }
  CountingIterator operator++(int) {
    auto before = *this;
    ++*this;
    return before;
  }
  bool operator==(const CountingIterator& other) const { return at_ == other.at_; }
  bool operator!=(const CountingIterator& other) const { return at_ != other.at_; }

 private:
  const char* at_;
  Consumed* consumed_;
};

std::string escape_token(const std::string& token) {
  std::string out;
  for (char c : token) out += c == '~' ? "~0" : c == '/' ? "~1" : std::string(1, c);
  return out;
}

// "/a/b~1c" -> {"a", "b/c"}
std::vector<std::string> pointer_tokens(const std::string& pointer) {
  std::vector<std::string> tokens;
  for (std::size_t at = 0; at < pointer.size() && pointer[at] == '/';) {
    std::size_t end = pointer.find('/', at + 1);
    std::string raw = pointer.substr(at + 1, end == std::string::npos ? std::string::npos : end - at - 1);
    std::string token;
    for (std::size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] == '~' && i + 1 < raw.size() && (raw[i + 1] == '0' || raw[i + 1] == '1')) token += raw[++i] == '0' ? '~' : '/';
      else token += raw[i];
    }
    tokens.push_back(token);
    if (end == std::string::npos) break;
    at = end;
  }
  return tokens;
}

// One pass over the text, keeping only the path to the current value (bounded by kMaxJsonDepth):
// checks the depth and, when given a target pointer, finds the line of its nearest enclosing value.
class Walker : public json::json_sax_t {
 public:
  Walker(const Consumed& consumed, const std::string& file, const std::vector<std::string>* target)
      : consumed_(consumed), file_(file), target_(target) {}

  bool null() override { return value(line(), false, false); }
  bool boolean(bool) override { return value(line(), false, false); }
  bool number_integer(number_integer_t) override { return value(number_line(), false, false); }
  bool number_unsigned(number_unsigned_t) override { return value(number_line(), false, false); }
  bool number_float(number_float_t, const string_t&) override { return value(number_line(), false, false); }
  bool string(string_t&) override { return value(line(), false, false); }
  bool binary(binary_t&) override { return value(line(), false, false); }
  bool start_object(std::size_t) override { return value(line(), true, false); }
  bool start_array(std::size_t) override { return value(line(), true, true); }
  bool end_object() override { return close(); }
  bool end_array() override { return close(); }
  bool key(string_t& name) override {
    frames_.back().member = name;
    frames_.back().key_line = line();
    return true;
  }
  bool parse_error(std::size_t, const std::string& token, const nlohmann::detail::exception& e) override {
    // A number too large for a double (1e400) is nlohmann's out_of_range 406.
    if (e.id == 406) fail("has a number out of range: " + token, next_pointer());
    fail(std::string("is not valid JSON: ") + e.what(), "");
  }

  int best_line() const { return best_line_; }

 private:
  struct Frame {
    bool array = false;
    bool on_target = false;  // this container is the target or encloses it
    std::size_t next_index = 0;
    std::string member;  // objects: the key whose value comes next
    int key_line = 0;
  };

  int line() const { return consumed_.newlines + 1; }
  // The lexer reads one character past a number; when that was a newline it is not the number's line.
  int number_line() const { return line() - (consumed_.last == '\n' ? 1 : 0); }

  [[noreturn]] void fail(const std::string& message, const std::string& pointer) const {
    throw InputError({file_, line(), pointer}, message);
  }
  std::string pointer() const {
    std::string out;
    for (const auto& token : path_) out += "/" + escape_token(token);
    return out;
  }
  // The pointer of the value the parser is reading now (inside the innermost container).
  std::string next_pointer() const {
    if (frames_.empty()) return "";
    const Frame& f = frames_.back();
    return pointer() + "/" + (f.array ? std::to_string(f.next_index) : escape_token(f.member));
  }

  // A value starts at line `at`: members are placed on the line of their key.
  bool value(int at, bool container, bool array) {
    bool on_target = true;
    if (!frames_.empty()) {
      Frame& f = frames_.back();
      path_.push_back(f.array ? std::to_string(f.next_index++) : f.member);
      if (!f.array) at = f.key_line;
      on_target = f.on_target && target_ && path_.size() <= target_->size() && (*target_)[path_.size() - 1] == path_.back();
    }
    if (on_target && target_) {
      best_line_ = at;
      if (path_.size() == target_->size()) return false;  // found: stop reading
    }
    if (container) {
      if (frames_.size() + 1 > static_cast<std::size_t>(kMaxJsonDepth))
        fail("is nested more than " + std::to_string(kMaxJsonDepth) + " levels deep", pointer().empty() ? "/" : pointer());
      frames_.push_back({array, on_target, 0, "", 0});
    } else if (!frames_.empty()) {
      path_.pop_back();
    }
    return true;
  }
  bool close() {
    frames_.pop_back();
    if (!path_.empty()) path_.pop_back();
    return true;
  }

  const Consumed& consumed_;
  const std::string& file_;
  const std::vector<std::string>* target_;
  std::vector<Frame> frames_;
  std::vector<std::string> path_;  // tokens of the current value's pointer
  int best_line_ = 0;
};

int walk(const std::string& text, const std::string& file, const std::vector<std::string>* target) {
  Consumed consumed;
  Walker walker(consumed, file, target);
  json::sax_parse(CountingIterator(text.data(), &consumed), CountingIterator(text.data() + text.size(), &consumed), &walker);
  return walker.best_line();
}

}  // namespace

JsonLines::JsonLines(std::string text, const std::string& file) : text_(std::move(text)) { walk(text_, file, nullptr); }

int JsonLines::line_of(const std::string& pointer) const {
  auto target = pointer_tokens(pointer);
  return walk(text_, "", &target);
}

InputError JsonLines::locate(const InputError& error) const {
  const auto& where = error.where();
  if (where.line != 0 || where.field.empty() || where.field.front() != '/') return error;
  // Messages print the root pointer as "/", which is not a valid pointer.
  int line = line_of(where.field == "/" ? "" : where.field);
  if (line == 0) return error;
  return InputError({where.file, line, where.field}, error.detail());
}

}  // namespace auditvm
