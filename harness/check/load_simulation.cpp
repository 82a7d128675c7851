#include "check/load_simulation.hpp"

#include <algorithm>
#include <deque>

#include "check/rule_lists.hpp"
#include "core/errors.hpp"
#include "rules/canonical.hpp"
#include "rules/syscall_table.hpp"

namespace auditvm::check {
namespace {

using rules::Userspace;

bool kernel_message(const std::string& message) {
  return message.rfind("Error sending ", 0) == 0 || message.rfind("Error deleting ", 0) == 0;
}

// After -e 2 the kernel refuses every change with EPERM; auditctl names the request.
std::string locked_message(const rules::Rule& rule) {
  const std::string eperm = " (Operation not permitted)";
  if (rule.removal()) return "Error sending delete rule data request" + eperm;
  const auto* control = rule.control();
  if (!control) return "Error sending add rule data request" + eperm;
  if (control->option == "-D") return "Error deleting rule" + eperm;
  if (control->option == "-b" || control->option == "--backlog_wait_time") return "Error sending backlog limit request" + eperm;  // sic
  if (control->option == "-f") return "Error sending failure mode request" + eperm;
  if (control->option == "-r") return "Error sending rate limit request" + eperm;
  if (control->option == "-e") return "Error sending enable request" + eperm;
  return "";  // -i, -c, --loginuid-immutable, --reset-lost: allowed
}

// audit 4 adds the syscalls of each -F perm= letter by name (libaudit's lib/permtab.h) to a rule
// with an arch, in the rule's ABI. 4.0.2 adds them all, so a name that ABI lacks (rename on aarch64)
// fails the whole line; from 4.0.4 on (sid's 4.2.1) a name the ABI lacks is left out, and 4.2's
// table is longer.
struct PermSyscalls {
  char letter;
  const char* names;
};
const std::vector<PermSyscalls>& perm_table(Userspace userspace) {
  static const std::vector<PermSyscalls> audit4_0{
      {'x', "execve"},
      {'w', "rename,mkdir,rmdir,creat,link,unlink,symlink,mknod,mkdirat,mknodat,unlinkat,renameat,linkat,symlinkat,renameat2,"
            "acct,swapon,quotactl,truncate,ftruncate,bind,fallocate,open,openat,openat2"},
      {'r', "readlink,quotactl,listxattr,llistxattr,flistxattr,getxattr,lgetxattr,fgetxattr,readlinkat,open,openat,openat2"},
      {'a', "chmod,fchmod,chown,lchown,fchown,setxattr,lsetxattr,fsetxattr,removexattr,lremovexattr,fremovexattr,fchownat,fchmodat,link,linkat"}};
  static const std::vector<PermSyscalls> audit4_2{
      {'x', "execve,execveat"},
      {'w', "rename,mkdir,rmdir,creat,link,unlink,symlink,mknod,mkdirat,mknodat,unlinkat,renameat,linkat,symlinkat,renameat2,"
            "acct,swapon,quotactl,quotactl_fd,truncate,ftruncate,bind,fallocate,open,openat,openat2"},
      {'r', "readlink,quotactl,quotactl_fd,listxattr,listxattrat,llistxattr,flistxattr,getxattr,getxattrat,lgetxattr,fgetxattr,"
            "readlinkat,open,openat,openat2,file_getattr,stat,lstat,fstat,newfstatat,statx"},
      {'a', "chmod,fchmod,chown,lchown,fchown,setxattr,setxattrat,lsetxattr,fsetxattr,removexattr,removexattrat,lremovexattr,"
            "fremovexattr,fchownat,fchmodat,fchmodat2,file_setattr,link,linkat"}};
  return userspace == Userspace::audit4_2 ? audit4_2 : audit4_0;
}

void add_perm_syscalls(rules::SyscallRule& rule, Arch arch, const rules::Rule& line, Userspace userspace) {
  if (!rule.abi || rule.list != rules::List::exit) return;
  std::string perms;
  for (const auto& field : rule.fields)
    if (field.field == "perm") perms += field.value;
  if (perms.empty()) return;
  bool explicit_syscalls = (" " + line.text + " ").find(" -S ") != std::string::npos;
  if (rule.all_syscalls && !explicit_syscalls) rule.all_syscalls = false;  // the perm syscalls are now the rule's
  const bool filters_unknown = userspace == Userspace::audit4_2;
  for (char letter : perms)
    for (const auto& [perm, names] : perm_table(userspace)) {
      if (perm != letter) continue;
      std::string list = names;
      for (size_t start = 0; start <= list.size();) {
        size_t end = list.find(',', start);
        std::string name = list.substr(start, end == std::string::npos ? std::string::npos : end - start);
        auto number = rules::syscall_number(arch, *rule.abi, name, userspace);
        if (number) {
          rule.syscalls.push_back(*number);
        } else if (!filters_unknown) {
          throw InputError({"", line.line, name}, "Syscall name unknown: " + name +
                                                      " (audit 4 adds -F perm='s syscalls by name: Error adding syscalls for perm filtering)");
        }
        if (end == std::string::npos) break;
        start = end + 1;
      }
    }
  std::sort(rule.syscalls.begin(), rule.syscalls.end());
  rule.syscalls.erase(std::unique(rule.syscalls.begin(), rule.syscalls.end()), rule.syscalls.end());
}

void add_warnings(LoadReport& report, const rules::Rule& rule, Arch arch, const std::string& source, const TargetPaths* target) {
  const std::string at = source + ":" + std::to_string(rule.line) + ": ";
  // The kernel looks a rule's paths up when it adds it; where the target's are not known, say so.
  for (const auto& need : path_needs(rule))
    if (!target || !target->state(need.path))
      report.warnings.push_back(at + need.option + ": fails to load with \"No such file or directory\" (and stops every later line) if " +
                                (need.itself ? need.path : "its directory " + need.path) + " does not exist on the target");
  const auto* syscall = rule.syscall_rule();
  if (!syscall) return;
  // auditctl's own warning (x86_64 only, measured): a syscall whose b32 number differs from its b64 one.
  const bool has_arch = std::any_of(syscall->sent_fields.begin(), syscall->sent_fields.end(),
                                    [](const std::string& f) { return f.rfind("arch", 0) == 0; });
  if (arch == Arch::x86_64 && !has_arch && syscall->list == rules::List::exit && !syscall->all_syscalls)
    for (int number : syscall->syscalls) {
      auto name = rules::syscall_name(arch, Abi::b64, number);
      if (name && rules::syscall_number(arch, Abi::b32, *name) != number) {
        report.warnings.push_back(at + "auditctl warns \"WARNING - 32/64 bit syscall mismatch in line " + std::to_string(rule.line) +
                                  ", you should specify an arch\" (the rule loads, with b64 numbers on both ABIs)");
        break;
      }
    }
}

// A line the parser refuses with the kernel's words: the kernel reads the fields in order, so an
// exe= in a directory the target lacks, before the refused field, is what it says (measured).
rules::Rule parse_line(const rules::NumberedLine& line, Arch arch, const std::string& source, Userspace userspace, const TargetPaths* target) {
  try {
    return rules::parse_rule_line(line.text, arch, source, line.number, rules::Dialect::auditctl, userspace);
  } catch (const InputError& e) {
    if (target && kernel_message(e.detail()))
      for (const auto& need : exe_needs_before(line.text, e.where().field))
        if (auto refusal = path_refusal(need, *target); refusal && !refusal->empty()) throw InputError({source, line.number, need.option}, *refusal);
    throw;
  }
}

}  // namespace

std::vector<rules::NumberedLine> auditctl_file_lines(std::string_view text) {
  std::vector<rules::NumberedLine> lines;
  int number = 0;
  for (size_t start = 0; start < text.size();) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string line(text.substr(start, end - start));
    start = end + 1;
    ++number;
    size_t first = line.find_first_not_of(' ');
    if (first == std::string::npos || line[first] == '#' || line == "No rules") continue;
    lines.push_back({number, std::move(line)});
  }
  return lines;
}

LoadReport simulate_load(std::string_view text, Arch arch, const std::string& source, Userspace userspace, const TargetPaths* target) {
  LoadReport report;
  report.loaded = {source, arch, {}};
  report.userspace = userspace;
  std::deque<rules::Rule> applied;  // stable addresses for the lists
  RuleLists lists;
  int enabled = 1;
  bool ignore = false, continue_errors = false;
  for (const auto& line : auditctl_file_lines(text)) {
    if (report.failing_line) {
      report.not_loaded.push_back(line);
      continue;
    }
    try {
      auto rule = parse_line(line, arch, source, userspace, target);
      if (enabled == 2) {
        std::string refused = locked_message(rule);
        const auto* control = rule.control();
        // -D with nothing to delete sends nothing, so nothing is refused.
        if (control && control->option == "-D") {
          RuleLists probe = lists;
          if (probe.clear(control->value) == 0) refused.clear();
        }
        if (!refused.empty()) throw InputError({source, line.number, line.text}, refused);
      }
      if (auto* syscall = std::get_if<rules::SyscallRule>(&rule.body); syscall && userspace != Userspace::audit3)
        add_perm_syscalls(*syscall, arch, rule, userspace);
      // The target's paths, where they are known: exe= is looked up as its field is read, the
      // others once no identical rule was found (an identical rule needed the same path, so the
      // two refusals never meet; the kernel's field refusals come first, README).
      const auto needs = target ? path_needs(rule) : std::vector<PathNeed>{};
      auto refuse_missing = [&](bool while_reading_fields) {
        for (const auto& need : needs)
          if (need.while_reading_fields == while_reading_fields)
            if (auto refusal = path_refusal(need, *target); refusal && !refusal->empty())
              throw InputError({source, line.number, need.option}, *refusal);
      };
      refuse_missing(true);
      applied.push_back(std::move(rule));
      const rules::Rule& kept = applied.back();
      if (const auto* control = kept.control()) {
        if (control->option == "-i") ignore = true;
        if (control->option == "-c") ignore = continue_errors = true;
        if (control->option == "-D") lists.clear(control->value);
        if (control->option == "-e") enabled = std::stoi(control->value);
      } else if (const auto* removal = kept.removal()) {
        if (!lists.remove(*removal)) {
          applied.pop_back();
          throw InputError({source, line.number, line.text}, "Error sending delete rule data request (No such file or directory)");
        }
      } else {
        if (!lists.admits(kept)) {
          applied.pop_back();
          throw InputError({source, line.number, line.text}, "Error sending add rule data request (Rule exists)");
        }
        try {
          refuse_missing(false);
        } catch (const InputError&) {
          applied.pop_back();
          throw;
        }
        lists.add(kept);
      }
      add_warnings(report, kept, arch, source, target);
    } catch (const InputError& e) {
      report.rejected.push_back({line.number, line.text, e.detail(), kernel_message(e.detail())});
      if (!ignore) {
        report.failing_line = line.number;
        report.failing_text = line.text;
        report.message = e.detail();
        report.failing_by_kernel = kernel_message(e.detail());
      }
    }
  }
  report.loaded.rules.assign(applied.begin(), applied.end());
  report.exit_status = report.failing_line || (continue_errors && !report.rejected.empty()) ? 1 : 0;
  return report;
}

std::vector<std::string> predicted_listing(const LoadReport& report) {
  return rules::listing_lines(replay(report.loaded).lists.listing(), report.loaded.arch, report.userspace);
}

}  // namespace auditvm::check
