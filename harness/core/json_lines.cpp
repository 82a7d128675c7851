#include "core/json_lines.hpp"

#include <iterator>
#include <vector>

#include <nlohmann/json.hpp>

namespace auditvm {
namespace {

using nlohmann::json;

// What the parser has consumed so far. nlohmann's SAX events carry no positions, so the index
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

// Records the line of every value while tracking the JSON pointer of the current position.
class LineRecorder : public json::json_sax_t {
 public:
  LineRecorder(std::map<std::string, int>& lines, const Consumed& consumed) : lines_(lines), consumed_(consumed) {}

  bool null() override { return value(line()); }
  bool boolean(bool) override { return value(line()); }
  bool number_integer(number_integer_t) override { return value(number_line()); }
  bool number_unsigned(number_unsigned_t) override { return value(number_line()); }
  bool number_float(number_float_t, const string_t&) override { return value(number_line()); }
  bool string(string_t&) override { return value(line()); }
  bool binary(binary_t&) override { return value(line()); }
  bool start_object(std::size_t) override { return open(false); }
  bool end_object() override { return close(); }
  bool start_array(std::size_t) override { return open(true); }
  bool end_array() override { return close(); }
  bool key(string_t& name) override {
    auto& frame = frames_.back();
    frame.member = frame.pointer / name;
    lines_[frame.member.to_string()] = line();
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override { return false; }

 private:
  struct Frame {
    json::json_pointer pointer;
    bool array = false;
    std::size_t next_index = 0;
    json::json_pointer member;  // objects: the member whose value comes next
  };

  int line() const { return consumed_.newlines + 1; }
  // The lexer reads one character past a number; when that was a newline it is not the number's line.
  int number_line() const { return line() - (consumed_.last == '\n' ? 1 : 0); }

  // Where the value that starts now sits; array elements get their line here, members at their key.
  json::json_pointer place(int at) {
    if (frames_.empty()) {
      lines_.emplace("", at);
      return json::json_pointer();
    }
    auto& frame = frames_.back();
    if (!frame.array) return frame.member;
    auto element = frame.pointer / frame.next_index++;
    lines_[element.to_string()] = at;
    return element;
  }
  bool value(int at) {
    place(at);
    return true;
  }
  bool open(bool array) {
    auto pointer = place(line());
    frames_.push_back({pointer, array, 0, json::json_pointer()});
    return true;
  }
  bool close() {
    frames_.pop_back();
    return true;
  }

  std::map<std::string, int>& lines_;
  const Consumed& consumed_;
  std::vector<Frame> frames_;
};

}  // namespace

JsonLines::JsonLines(const std::string& text) {
  Consumed consumed;
  LineRecorder recorder(lines_, consumed);
  json::sax_parse(CountingIterator(text.data(), &consumed), CountingIterator(text.data() + text.size(), &consumed), &recorder);
}

int JsonLines::line_of(const std::string& pointer) const {
  std::string at = pointer;
  while (true) {
    if (auto it = lines_.find(at); it != lines_.end()) return it->second;
    if (at.empty()) return 0;
    at.erase(at.rfind('/'));
  }
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
