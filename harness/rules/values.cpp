#include "rules/values.hpp"

#include <charconv>
#include <cstring>
#include <set>

#include <libaudit.h>

namespace auditvm::rules {

bool is_id_field(const std::string& field) {
  static const std::set<std::string> ids{"auid", "loginuid", "uid", "euid", "suid", "fsuid", "obj_uid",
                                         "gid", "egid", "sgid", "fsgid", "obj_gid"};
  return ids.count(field) > 0;
}

namespace {

std::optional<std::int64_t> parse_integer(const std::string& text) {
  std::int64_t value = 0;
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  int base = 10;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    begin += 2;
    base = 16;
  }
  auto [ptr, ec] = std::from_chars(begin, end, value, base);
  if (ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}

}  // namespace

std::optional<int> errno_from_name(const std::string& name) {
  for (int n = 1; n < 256; ++n) {
    const char* known = strerrorname_np(n);
    if (known != nullptr && name == known) return n;
  }
  return std::nullopt;
}

std::string errno_name(int number) {
  const char* known = strerrorname_np(number);
  return known ? known : std::to_string(number);
}

std::optional<std::int64_t> numeric_field_value(const std::string& field, const std::string& value) {
  if (is_id_field(field)) {
    if (value == "unset" || value == "-1" || value == "4294967295") return 4294967295LL;
    auto number = parse_integer(value);
    if (!number || *number < 0 || *number > 4294967295LL) return std::nullopt;
    return number;
  }
  if (field == "success") {
    if (value == "yes" || value == "1") return 1;
    if (value == "no" || value == "0") return 0;
    return std::nullopt;
  }
  if (field == "exit") {
    // auditctl accepts errno names: -F exit=-EACCES.
    std::string text = value;
    bool negative = !text.empty() && text[0] == '-';
    if (negative) text.erase(0, 1);
    if (!text.empty() && text[0] == 'E') {
      auto number = errno_from_name(text);
      if (!number) return std::nullopt;
      return negative ? -*number : *number;
    }
    auto number = parse_integer(text);
    if (!number) return std::nullopt;
    return negative ? -*number : *number;
  }
  if (field == "msgtype") {
    if (auto number = parse_integer(value)) return number;
    int type = audit_name_to_msg_type(value.c_str());  // SYSCALL -> 1300
    if (type < 0) return std::nullopt;
    return type;
  }
  return parse_integer(value);
}

}  // namespace auditvm::rules
