#include "records/audit_log.hpp"

#include <auparse.h>
#include <libaudit.h>

#include <memory>
#include <sstream>

#include "core/errors.hpp"

namespace auditvm::records {
namespace {

std::string field(auparse_state_t* au, const char* name) {
  auparse_first_field(au);
  const char* value = auparse_find_field(au, name);
  return value ? value : "";
}

std::int64_t number(const std::string& text, int base = 10) {
  try {
    return text.empty() ? 0 : std::stoll(text, nullptr, base);
  } catch (const std::exception&) {
    return 0;
  }
}

std::string unquote(const std::string& text) {
  if (text.size() >= 2 && text.front() == '"' && text.back() == '"') return text.substr(1, text.size() - 2);
  return text == "(null)" ? "" : text;
}

}  // namespace

std::vector<SyscallRecord> parse_audit_log(const std::string& text) {
  std::vector<SyscallRecord> records;
  if (text.empty()) return records;
  std::unique_ptr<auparse_state_t, void (*)(auparse_state_t*)> au(auparse_init(AUSOURCE_BUFFER, text.c_str()), auparse_destroy);
  if (!au) throw InfraError("libauparse cannot read the audit log");
  while (auparse_next_event(au.get()) > 0) {
    SyscallRecord record;
    bool have_syscall = false;
    if (auparse_first_record(au.get()) <= 0) continue;
    do {
      int type = auparse_get_type(au.get());
      if (type == AUDIT_SYSCALL) {
        have_syscall = true;
        record.serial = auparse_get_serial(au.get());
        const au_event_t* stamp = auparse_get_timestamp(au.get());
        if (stamp) record.timestamp = std::to_string(stamp->sec) + "." + std::to_string(stamp->milli);
        record.arch = static_cast<unsigned>(number(field(au.get(), "arch"), 16));
        record.syscall = static_cast<int>(number(field(au.get(), "syscall")));
        record.success = field(au.get(), "success") == "yes";
        record.exit = number(field(au.get(), "exit"));
        record.pid = static_cast<long>(number(field(au.get(), "pid")));
        record.auid = static_cast<std::uint32_t>(number(field(au.get(), "auid")));
        record.uid = static_cast<std::uint32_t>(number(field(au.get(), "uid")));
        record.euid = static_cast<std::uint32_t>(number(field(au.get(), "euid")));
        record.gid = static_cast<std::uint32_t>(number(field(au.get(), "gid")));
        record.ses = static_cast<std::uint32_t>(number(field(au.get(), "ses")));
        record.comm = unquote(field(au.get(), "comm"));
        record.key = unquote(field(au.get(), "key"));
        const char* line = auparse_get_record_text(au.get());
        record.text = line ? line : "";
      } else if (type == AUDIT_KERN_MODULE) {
        record.module_name = unquote(field(au.get(), "name"));
      }
    } while (auparse_next_record(au.get()) > 0);
    if (have_syscall) records.push_back(record);
  }
  return records;
}

std::string kernel_log_to_audit_log(const std::string& dmesg) {
  std::istringstream lines(dmesg);
  std::string out;
  for (std::string line; std::getline(lines, line);) {
    auto at = line.find("audit: type=");
    if (at == std::string::npos) continue;
    std::string rest = line.substr(at + 12);  // "1300 audit(...): ..."
    auto space = rest.find(' ');
    if (space == std::string::npos) continue;
    int type = static_cast<int>(number(rest.substr(0, space)));
    const char* name = audit_msg_type_to_name(type);
    out += "type=" + std::string(name ? name : "UNKNOWN[" + std::to_string(type) + "]") + " msg=" + rest.substr(space + 1) + "\n";
  }
  return out;
}

}  // namespace auditvm::records
