#include "rules/values.hpp"

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <set>

#include <libaudit.h>
#include <sys/socket.h>

namespace auditvm::rules {

// auditctl runs 64-bit on both arches, so its strtol is 64-bit like ours.
static_assert(sizeof(long) == 8, "libaudit's strtol/strtoul are modelled with a 64-bit long");

bool is_id_field(const std::string& field) {
  static const std::set<std::string> ids{"auid", "loginuid", "uid", "euid", "suid", "fsuid", "obj_uid",
                                         "gid", "egid", "sgid", "fsgid", "obj_gid"};
  return ids.count(field) > 0;
}

namespace {

constexpr const char* kInvalid = "Error sending add rule data request (Invalid argument)";  // the kernel's -EINVAL

bool digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }
bool starts_with_digit(const std::string& v) { return !v.empty() && digit(v[0]); }
bool starts_negative(const std::string& v) { return v.size() >= 2 && v[0] == '-' && digit(v[1]); }

// strtol/strtoul with base 0 as libaudit calls them: saturating on overflow (libaudit never looks
// at errno), then stored in a u32. Unlike libaudit, text after the number is refused rather than
// silently dropped ("1000abc" would load as 1000).
std::optional<std::uint32_t> c_number(const std::string& text, bool is_unsigned) {
  errno = 0;
  char* end = nullptr;
  std::uint32_t out = is_unsigned ? static_cast<std::uint32_t>(std::strtoul(text.c_str(), &end, 0))
                                  : static_cast<std::uint32_t>(std::strtol(text.c_str(), &end, 0));
  if (end == text.c_str() || *end != '\0') return std::nullopt;
  return out;
}

FieldValue number_or(const std::string& text, bool is_unsigned, const std::string& error) {
  if (auto n = c_number(text, is_unsigned)) return {n, ""};
  return {std::nullopt, error};
}

enum class Kind { uid, gid, exit, msgtype, arg, sessionid, inode, saddr_fam, plain, text };

Kind kind_of(int field) {
  switch (field) {
    case AUDIT_UID: case AUDIT_EUID: case AUDIT_SUID: case AUDIT_FSUID: case AUDIT_LOGINUID: case AUDIT_OBJ_UID:
      return Kind::uid;
    case AUDIT_GID: case AUDIT_EGID: case AUDIT_SGID: case AUDIT_FSGID: case AUDIT_OBJ_GID:
      return Kind::gid;
    case AUDIT_EXIT: return Kind::exit;
    case AUDIT_MSGTYPE: return Kind::msgtype;
    case AUDIT_ARG0: case AUDIT_ARG1: case AUDIT_ARG2: case AUDIT_ARG3: return Kind::arg;
    case AUDIT_SESSIONID: return Kind::sessionid;
    case AUDIT_INODE: return Kind::inode;
    case AUDIT_SADDR_FAM: return Kind::saddr_fam;
    case AUDIT_OBJ_USER: case AUDIT_OBJ_ROLE: case AUDIT_OBJ_TYPE: case AUDIT_OBJ_LEV_LOW: case AUDIT_OBJ_LEV_HIGH:
    case AUDIT_WATCH: case AUDIT_DIR: case AUDIT_SUBJ_USER: case AUDIT_SUBJ_ROLE: case AUDIT_SUBJ_TYPE:
    case AUDIT_SUBJ_SEN: case AUDIT_SUBJ_CLR: case AUDIT_FILTERKEY: case AUDIT_EXE: case AUDIT_ARCH:
    case AUDIT_PERM: case AUDIT_FILETYPE: case AUDIT_FSTYPE: case AUDIT_FIELD_COMPARE:
      return Kind::text;
    default: return Kind::plain;  // pid, ppid, pers, success, devmajor, devminor, ...
  }
}

// libaudit's reading of the value (audit_rule_fieldpair_data, 3.0.9), branch by branch.
FieldValue libaudit_value(const std::string& field, Kind kind, const std::string& v, Dialect dialect) {
  const std::string not_number = "-F value should be number for " + field;
  const bool listing = dialect == Dialect::listing;
  switch (kind) {
    case Kind::uid:
      if (starts_with_digit(v)) return number_or(v, true, not_number);
      if (starts_negative(v)) return number_or(v, false, not_number);
      if (v == "unset") return {kUnsetId, ""};
      return {std::nullopt, "Unknown user: " + v + " (user names are resolved on the target; give the number)"};
    case Kind::gid:
      if (starts_with_digit(v) || (listing && starts_negative(v))) return number_or(v, false, not_number);
      return {std::nullopt, "Unknown group: " + v + (starts_negative(v) ? "" : " (group names are resolved on the target; give the number)")};
    case Kind::exit:
      if (starts_with_digit(v) || starts_negative(v)) return number_or(v, false, not_number);
      if (int e = audit_name_to_errno(v.c_str()); e != 0) return {static_cast<std::uint32_t>(e), ""};
      return {std::nullopt, "-F unknown errno - " + v};
    case Kind::msgtype:
      if (starts_with_digit(v)) return number_or(v, false, not_number);
      if (int type = audit_name_to_msg_type(v.c_str()); type > 0) return {static_cast<std::uint32_t>(type), ""};
      return {std::nullopt, "-F unknown message type - " + v};
    case Kind::arg:
    case Kind::sessionid:
      if (starts_with_digit(v)) return number_or(v, true, not_number);
      if (starts_negative(v)) return number_or(v, false, not_number);
      if (kind == Kind::sessionid && v == "unset") return {kUnsetId, ""};
      return {std::nullopt, not_number};
    case Kind::saddr_fam: {
      auto n = c_number(v, true);
      if (!n) return {std::nullopt, not_number};
      if (*n >= AF_MAX) return {std::nullopt, "value is too large for field: " + field};
      return {n, ""};
    }
    case Kind::inode:
      if (starts_with_digit(v)) return number_or(v, true, not_number);
      return {std::nullopt, not_number};
    case Kind::plain:
      if (starts_with_digit(v) || (listing && starts_negative(v))) return number_or(v, false, not_number);
      return {std::nullopt, not_number};
    case Kind::text: return {std::nullopt, ""};
  }
  return {std::nullopt, not_number};
}

}  // namespace

FieldValue parse_field_value(const std::string& field, Op op, const std::string& value, Dialect dialect) {
  int number = audit_name_to_field(field.c_str());
  if (number < 0) return {std::nullopt, "-F unknown field: " + field};
  if (value.empty()) return {std::nullopt, "-F missing value after operation for " + field};
  Kind kind = kind_of(number);
  FieldValue out = libaudit_value(field, kind, value, dialect);
  if (!out.error.empty() || kind == Kind::text) return out;
  // What the kernel then refuses (audit_field_valid, audit_data_to_entry).
  bool bit_op = op == Op::bitmask || op == Op::bittest;
  if (bit_op && kind != Kind::arg && kind != Kind::saddr_fam)
    return {std::nullopt, kInvalid + std::string(": ") + field + " takes no bit operators"};
  if (*out.number == kUnsetId) {
    // -1 is no valid uid or gid; only auid -1 is the legacy spelling of "loginuid unset", tested by = and !=.
    if (kind == Kind::gid || (kind == Kind::uid && number != AUDIT_LOGINUID))
      return {std::nullopt, kInvalid + std::string(": ") + field + " -1 (4294967295) is not a valid id"};
    if (number == AUDIT_LOGINUID && op != Op::eq && op != Op::ne)
      return {std::nullopt, kInvalid + std::string(": auid -1 (unset) takes only = and !=")};
  }
  return out;
}

std::string control_value_error(const std::string& option, const std::string& value) {
  if (option == "-e" || option == "-f") {
    if (value == "0" || value == "1" || value == "2") return "";
    return std::string(option == "-e" ? "Enable" : "Failure") + " must be 0, 1, or 2 was " + value;
  }
  struct Numeric {
    const char* option;
    const char* name;      // as auditctl's messages spell it
    const char* converting;
    unsigned long max;
  };
  // The kernel refuses a backlog_wait_time above 10 * AUDIT_BACKLOG_WAIT_TIME = 10 * 60 * HZ
  // jiffies; Debian's bookworm kernels (the default guests) have HZ=250.
  static const Numeric numeric[] = {{"-b", "Backlog", "backlog", 0xFFFFFFFFUL},
                                    {"-r", "Rate", "rate", 0xFFFFFFFFUL},
                                    {"--backlog_wait_time", "Backlog_wait_time", "backlog_wait_time", 10UL * 60 * 250}};
  for (const auto& n : numeric) {
    if (option != n.option) continue;
    if (!starts_with_digit(value)) return std::string(n.name) + " must be a numeric value was " + value;
    errno = 0;
    char* end = nullptr;
    unsigned long number = std::strtoul(value.c_str(), &end, 0);
    if (errno != 0) return std::string("Error converting ") + n.converting;
    if (*end != '\0') return std::string(n.name) + " must be a numeric value was " + value + " (auditctl would drop '" + end + "')";
    // auditctl stores it in a uint32_t: larger numbers would silently wrap.
    if (number > n.max)
      return n.max == 0xFFFFFFFFUL ? std::string(n.name) + " " + value + " does not fit in 32 bits (auditctl would truncate it)"
                                   : "Error sending backlog limit request (Invalid argument): " + std::string(n.converting) + " above " +
                                         std::to_string(n.max);  // sic: libaudit's message for backlog_wait_time
    return "";
  }
  return "";
}

std::string listing_value(const std::string& field, std::uint32_t number) {
  const int as_int = static_cast<int>(number);  // auditctl -l prints with %d
  char buffer[32];
  switch (audit_name_to_field(field.c_str())) {
    case AUDIT_EXIT: {
      // Only errno-sized values have names (and abs(INT_MIN) would overflow).
      const char* name = as_int < 0 && as_int > -4096 ? audit_errno_to_name(-as_int) : nullptr;
      if (name != nullptr) return std::string("-") + name;
      return std::to_string(as_int);
    }
    case AUDIT_MSGTYPE: {
      const char* name = audit_msg_type_to_name(as_int);
      return name ? name : std::to_string(as_int);
    }
    case AUDIT_ARG0: case AUDIT_ARG1: case AUDIT_ARG2: case AUDIT_ARG3:
      std::snprintf(buffer, sizeof buffer, "0x%X", number);
      return buffer;
    case AUDIT_INODE: return std::to_string(number);
    default: return std::to_string(as_int);
  }
}

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

}  // namespace auditvm::rules
