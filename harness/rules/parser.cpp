#include "rules/parser.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <set>

#include "core/arch_table.hpp"
#include "core/errors.hpp"
#include "core/text.hpp"
#include "rules/canonical.hpp"
#include "rules/syscall_table.hpp"
#include "rules/values.hpp"

namespace auditvm::rules {
namespace {

// Words of a line, honouring double quotes (auditctl -l quotes keys and paths with spaces).
std::vector<std::string> split_words(std::string_view line) {
  std::vector<std::string> words;
  std::string current;
  bool in_quotes = false, have_word = false;
  for (char c : line) {
    if (c == '"') {
      in_quotes = !in_quotes;
      have_word = true;
    } else if (!in_quotes && std::isspace(static_cast<unsigned char>(c))) {
      if (have_word) words.push_back(current);
      current.clear();
      have_word = false;
    } else {
      current += c;
      have_word = true;
    }
  }
  if (have_word) words.push_back(current);
  return words;
}

// Words as `auditctl -R` splits a line (audit_strsplit): at spaces only, so tabs and a CR stay
// part of a word; "\\ " is a space inside a word and "\\\\" a backslash; quotes are plain characters.
std::vector<std::string> auditctl_words(std::string_view line) {
  std::vector<std::string> words;
  std::string current;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (c == '\\' && i + 1 < line.size() && (line[i + 1] == ' ' || line[i + 1] == '\\')) {
      current += line[++i];
    } else if (c == ' ') {
      if (!current.empty()) words.push_back(current);
      current.clear();
    } else {
      current += c;
    }
  }
  if (!current.empty()) words.push_back(current);
  return words;
}

struct SplitCondition {
  std::string left;
  Op op;
  std::string right;
};

std::optional<SplitCondition> split_condition(const std::string& text) {
  auto at = text.find_first_of("!=<>&");
  if (at == std::string::npos || at == 0) return std::nullopt;
  static const std::pair<std::string_view, Op> ops[] = {{"!=", Op::ne}, {"<=", Op::le}, {">=", Op::ge},
                                                        {"&=", Op::bittest}, {"=", Op::eq}, {"<", Op::lt},
                                                        {">", Op::gt}, {"&", Op::bitmask}};
  std::string_view rest = std::string_view(text).substr(at);
  for (auto [spelling, op] : ops)
    if (rest.substr(0, spelling.size()) == spelling)
      return SplitCondition{text.substr(0, at), op, std::string(rest.substr(spelling.size()))};
  return std::nullopt;
}

// Parses one line. Holds the state auditctl keeps while reading a rule's options.
class LineParser {
 public:
  // `printed_in`: the table an arch-less rule's names were printed in (parse_listing).
  LineParser(std::string_view line, Arch arch, const std::string& source, int number, Dialect dialect, Userspace userspace,
             std::optional<Abi> printed_in = std::nullopt)
      : words_(dialect == Dialect::auditctl ? auditctl_words(line) : split_words(line)),
        arch_(arch), source_(source), number_(number), dialect_(dialect), userspace_(userspace), printed_in_(printed_in) {
    rule_.line = number;
    rule_.text = std::string(line);
  }

  Rule parse() {
    bool any_option = false, stray = false;
    for (pos_ = 0; pos_ < words_.size(); ++pos_) {
      const std::string& word = words_[pos_];
      // getopt skips a word that is no option and no option's argument; auditctl complains once
      // every option is read (after an option's own error, which comes first).
      if (dialect_ == Dialect::auditctl && (word.size() < 2 || word[0] != '-')) {
        stray = true;
        continue;
      }
      any_option = true;
      option(word);
    }
    if (stray && !any_option) fail(words_.empty() ? "" : words_[0], "");  // auditctl says only "There was an error in line N"
    if (stray) fail(words_[0], "parameter passed without an option given");
    return finish();
  }

 private:
  [[noreturn]] void fail(const std::string& token, const std::string& message) const {
    throw InputError({source_, number_, token}, message);
  }

  const std::string& argument(const std::string& option) {
    if (pos_ + 1 >= words_.size()) fail(option, "option " + option + " needs an argument");
    return words_[++pos_];
  }

  void option(const std::string& word) {
    if (word == "-a" || word == "-A" || word == "-d") return list_action(word, argument(word));
    if (word == "-S") return syscalls(argument(word));
    if (word == "-F") return field(argument(word));
    if (word == "-C") return comparison(argument(word));
    if (word == "-k") return key(argument(word));
    if (word == "-w" || word == "-W") return watch_path(word, argument(word));
    if (word == "-p") {
      if (dialect_ == Dialect::auditctl && (kind_ == Kind::none || kind_ == Kind::control))
        fail(word, "permission option needs a watch given prior to it");
      return perms(argument(word));
    }
    if (word == "-D") return delete_all();
    if (word == "--loginuid-immutable" || word == "--reset-lost" || word == "-i" || word == "-c")
      return control(word, "");
    if (word == "-b" || word == "-f" || word == "-r" || word == "-e" || word == "--backlog_wait_time")
      return control(word, argument(word));
    fail(word, "unknown or unsupported option '" + word + "'");
  }

  void list_action(const std::string& option, const std::string& value) {
    if (kind_ != Kind::none) fail(option, "a rule has only one -a/-A/-d/-w");
    kind_ = Kind::syscall;
    syscall_.prepend = option == "-A";
    removes_ = option == "-d";
    auto comma = value.find(',');
    if (comma == std::string::npos) fail(value, "expected list,action or action,list in '" + value + "'");
    std::string first = value.substr(0, comma), second = value.substr(comma + 1);
    auto action = parse_action(first);
    auto list = parse_list(second);
    if (!action || !list) {
      action = parse_action(second);
      list = parse_list(first);
    }
    if (dialect_ == Dialect::auditctl && (!action || !list || (*list == List::io_uring && userspace_ == Userspace::audit3))) {
      // audit 4 sends the obsolete entry list, and the kernel refuses it.
      if (userspace_ != Userspace::audit3 && ((parse_action(first) && second == "entry") || (parse_action(second) && first == "entry")))
        fail(value, "Error sending " + std::string(removes_ ? "delete" : "add") + " rule data request (Invalid argument)");
      fail(value, std::string(option == "-a" ? "Append" : option == "-A" ? "Add" : "Delete") + " rule - bad keyword " + value);
    }
    if (!action) fail(value, "unknown action in '" + value + "' (expected always or never)");
    if (!list) fail(value, "unknown list in '" + value + "' (expected exit, exclude, user, task, filesystem)");
    syscall_.action = *action;
    syscall_.list = *list;
  }

  static std::optional<Action> parse_action(const std::string& word) {
    if (word == "always") return Action::always;
    if (word == "never") return Action::never;
    return std::nullopt;
  }

  static std::optional<List> parse_list(const std::string& word) {
    if (word == "exit") return List::exit;
    if (word == "exclude") return List::exclude;
    if (word == "user") return List::user;
    if (word == "task") return List::task;
    if (word == "filesystem") return List::filesystem;
    if (word == "io_uring") return List::io_uring;
    return std::nullopt;
  }

  Abi current_abi() const { return names_abi_.value_or(printed_in_.value_or(Abi::b64)); }

  void syscalls(const std::string& value) {
    if (dialect_ == Dialect::auditctl && kind_ == Kind::syscall) {
      if (syscall_.list == List::task) fail("-S", "Error: syscall auditing being added to task list");
      if (syscall_.list == List::user) fail("-S", "Error: syscall auditing being added to user list");
      if (syscall_.list == List::filesystem) fail("-S", "Error: syscall auditing being added to filesystem list");
      if (syscall_.list == List::exclude) fail("-S", "Error: syscall auditing cannot be put on exclude list");
    }
    saw_syscall_ = true;
    size_t start = 0;
    while (start <= value.size()) {
      size_t end = value.find(',', start);
      std::string name = value.substr(start, end == std::string::npos ? std::string::npos : end - start);
      add_syscall(name);
      if (end == std::string::npos) break;
      start = end + 1;
    }
  }

  void add_syscall(const std::string& name) {
    if (name == "all") {
      syscall_.all_syscalls = true;
      return;
    }
    // auditctl knows its own table's names; a listing may come from any userspace.
    auto number = syscall_number(arch_, current_abi(), name, dialect_ == Dialect::auditctl ? userspace_ : kNewestUserspace);
    if (!number && !name.empty() && std::isdigit(static_cast<unsigned char>(name[0]))) number = syscall_by_number(name);
    if (!number) fail(name, "Syscall name unknown: " + name);
    syscall_.syscalls.push_back(*number);
  }

  // auditctl takes a number for a syscall it has no name for, if its rule bitmask (64 words of
  // 32 bits) has room for it.
  static std::optional<int> syscall_by_number(const std::string& text) {
    constexpr unsigned long kBitmaskBits = 64 * 32;
    if (!std::all_of(text.begin(), text.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) return std::nullopt;
    if (text.size() > 4 || std::stoul(text) >= kBitmaskBits) return std::nullopt;
    return static_cast<int>(std::stoul(text));
  }

  void field(const std::string& text) {
    if (dialect_ == Dialect::auditctl && (kind_ == Kind::none || kind_ == Kind::control)) fail(text, "List must be given before field");
    auto condition = split_condition(text);
    if (!condition) fail(text, "-F missing or unknown operation in '" + text + "'");
    auto& [name, op, value] = *condition;
    if (!is_known_field(name)) fail(name, dialect_ == Dialect::auditctl ? "-F unknown field: " + name : "Unknown field: " + name);
    // auditctl gathers -F key= with the -k keys and sends them last (checked then: finish); key!=
    // (or <, ...) is sent as a field of its own where it stands, and the kernel keeps it as the key
    // (auditctl -l shows key=), but refuses a rule with two key fields.
    if (name == "key" && (op == Op::eq || dialect_ != Dialect::auditctl)) {
      gathered_keys_ = true;
      return keys_.push_back(value);
    }
    if (dialect_ == Dialect::auditctl) auditctl_field_check(text, name, op);
    sent_conditions_.push_back({name, op, value});
    if (name == "key") {
      keys_.push_back(value);
      sent_.push_back("key" + std::string(to_string(op)) + value);
      if (positional_key_) second_key_ = true;
      positional_key_ = true;
      return;
    }
    if (name == "arch") return arch_field(text, op, value);
    if (name == "perm") {
      perm_added_ = true;
      perms(value, true);
      // Among the fields where it was given, as the kernel keeps and lists it.
      syscall_.fields.push_back({"perm", Op::eq, watch_.perms, std::nullopt});
      return;
    }
    if (name == "path" || name == "dir") perm_added_ = true;  // libaudit counts a watched path as a perm for -k
    auto parsed = parse_field_value(name, op, value, dialect_);
    if (!parsed.error.empty()) fail(text, parsed.error);
    FieldCondition out{name, op, value, parsed.number};
    if (is_id_field(name) && out.number == kUnsetId) out.value = "-1";
    if (name == "exe") exe_added_ = true;
    if (name == "fstype") fstype_added_ = true;
    syscall_.fields.push_back(out);
    // path= is the kernel's watch field, as -w sends it.
    sent_.push_back((name == "path" ? std::string("watch") : name) + std::string(to_string(op)) +
                    (out.number ? std::to_string(*out.number) : value));
  }

  // What auditctl checks as it reads `-F name op ...`, in the order libaudit's
  // audit_rule_fieldpair_data checks it (3.0.9 and 4.0.2; 4.0.2 skips the exclude list's field set
  // on kernels with AUDIT_FEATURE_BITMAP_EXCLUDE_EXTEND, as 6.1 and 6.12 have, and takes perm there).
  void auditctl_field_check(const std::string& text, const std::string& name, Op op) {
    const List list = syscall_.list;
    if (list == List::exclude && userspace_ == Userspace::audit3) {
      static const std::set<std::string> allowed{"pid", "uid", "gid", "auid", "loginuid", "msgtype", "subj_user",
                                                 "subj_role", "subj_type", "subj_sen", "subj_clr", "exe"};
      if (!allowed.count(name)) fail(text, "Only msgtype, *uid, *gid, pid, and subj* fields can be used with exclude filter");
    }
    const bool eq_or_ne = op == Op::eq || op == Op::ne;
    static const std::set<std::string> exit_only{"exit", "obj_user", "obj_role", "obj_type", "obj_lev_low", "obj_lev_high", "path",
                                                 "dir", "filetype", "devmajor", "devminor", "inode", "success", "ppid"};
    if (name == "msgtype" && list != List::exclude && list != List::user)
      fail(text, "msgtype field can only be used with exclude or user filter list");
    if (exit_only.count(name) && list != List::exit) fail(text, name + " can only be used with exit filter list");
    if ((name == "exe" || name == "inode") && !eq_or_ne) fail(text, name + " only takes = or != operators");
    if (name == "key" && !key_may_follow()) fail(text, "Key field needs a watch, syscall or exe path given prior to it");
    if (name == "arch" && saw_syscall_) fail(text, "arch must be before -S");
    if (name == "arch" && !eq_or_ne) fail(text, "arch only takes = or != operators");
    if (name == "perm") {
      if (list != List::exit && !(list == List::exclude && userspace_ != Userspace::audit3))
        fail(text, "perm can only be used with exit filter list");
      if (op != Op::eq) fail(text, "perm only takes = operator");
    }
    if (name == "fstype" && list != List::filesystem) fail(text, "fstype field is not valid for the filter");
    if (name == "fstype" && !eq_or_ne) fail(text, "fstype only takes = or != operators");
    if (name == "sessionid" && list != List::exclude && list != List::user && list != List::exit)
      fail(text, "sessionid must be used with exclude, user, or exit filter");
  }

  // auditctl takes a key once a syscall, watch, perm= (path=, dir=), exe= or fstype= came before it.
  bool key_may_follow() const { return saw_syscall_ || kind_ == Kind::watch || perm_added_ || exe_added_ || fstype_added_; }

  // What the kernel refuses in a rule auditctl sends (kernel/auditfilter.c audit_field_valid and
  // audit_data_to_entry, audit_to_watch, audit_make_tree, audit_to_inode, audit_alloc_mark; 6.1 and
  // 6.12 alike): EINVAL, which auditctl reports as "Error sending add rule data request (Invalid
  // argument)", or with no reason at all when the rule's first field is dir= (auditctl retries it
  // as a watch for old kernels, and says nothing when that fails too).
  void kernel_checks() {
    static const std::set<std::string> eq_or_ne_only{"subj_user", "subj_role", "subj_type", "obj_user", "obj_role", "obj_type", "path", "dir",
                                                     "key", "arch", "fstype", "perm", "filetype", "exe"};
    static const std::set<std::string> no_bit_ops{"subj_sen", "subj_clr", "obj_lev_low", "obj_lev_high"};
    bool watch = false, tree = false, inode = false, exe = false;
    const bool dir_first = !sent_conditions_.empty() && sent_conditions_.front().left == "dir";
    for (const auto& condition : sent_conditions_) {
      const std::string& name = condition.left;
      const Op op = condition.op;
      const std::string& value = condition.right;
      auto refuse = [&](const std::string& why) {
        std::string text = name + std::string(to_string(op)) + value;
        if (dir_first) fail(text, "");
        fail(text, std::string(removes_ ? "Error sending delete rule data request" : "Error sending add rule data request") +
                       " (Invalid argument): " + why);
      };
      if (syscall_.list == List::filesystem && name != "fstype" && name != "key") refuse("the filesystem list takes only fstype and key fields");
      if (eq_or_ne_only.count(name) && op != Op::eq && op != Op::ne) refuse(name + " takes only = and !=");
      if (no_bit_ops.count(name) && (op == Op::bitmask || op == Op::bittest)) refuse(name + " takes no bit operators");
      const bool path_like = name == "path" || name == "dir" || name == "inode";
      if (path_like && (watch || tree || inode)) refuse("a rule holds one path, dir or inode");
      if ((name == "path" || name == "dir") && op != Op::eq) refuse(name + " takes only =");
      if ((name == "path" || name == "dir" || name == "exe") && value[0] != '/') refuse(name + " must be an absolute path");
      if ((name == "path" || name == "exe") && value.back() == '/') refuse(name + " must not end in '/'");
      if (name == "exe" && exe) refuse("a rule holds one exe");
      watch = watch || name == "path";
      tree = tree || name == "dir";
      inode = inode || name == "inode";
      exe = exe || name == "exe";
    }
    if (second_key_ || (positional_key_ && gathered_keys_)) refuse_second_key();
  }

  [[noreturn]] void refuse_second_key() const { fail("key", "Error sending add rule data request (Invalid argument): a second key field"); }

  void arch_field(const std::string& text, Op op, const std::string& value) {
    if (op != Op::eq && op != Op::ne) fail(text, "arch only supports the = and != operators");
    if (saw_syscall_) fail(text, dialect_ == Dialect::auditctl ? "arch must be before -S" : "-F arch must be given before -S");
    Abi abi = Abi::b64;
    if (value == "b64") {
      abi = Abi::b64;
    } else if (value == "b32") {
      abi = Abi::b32;
    } else if (value == audit_machine_name(arch_, Abi::b64)) {
      abi = Abi::b64;
    } else if (const auto& aliases = arch_info(arch_).b32_machine_aliases;
               value == audit_machine_name(arch_, Abi::b32) || std::find(aliases.begin(), aliases.end(), value) != aliases.end()) {
      abi = Abi::b32;
    } else {
      fail(text, "arch '" + value + "' is not an ABI of " + std::string(to_string(arch_)));
    }
    // Measured: auditctl and the kernel take arch= and arch!= (README, "Kernel semantics, as measured").
    names_abi_ = abi;  // -S names resolve in this ABI's table whatever the operator
    syscall_.abi = abi;
    syscall_.abi_negated = op == Op::ne;
    sent_.push_back("arch" + std::string(to_string(op)) + std::string(to_string(abi)));
  }

  void key(const std::string& value) {
    if (dialect_ == Dialect::auditctl &&
        (kind_ == Kind::none || kind_ == Kind::control || !(saw_syscall_ || kind_ == Kind::watch || perm_added_ || exe_added_ || fstype_added_)))
      fail("-k", "key option needs a watch or syscall given prior to it");
    gathered_keys_ = true;
    keys_.push_back(value);
  }

  // `-D` or `-D -k KEY`: deletes every rule (whose key holds KEY).
  void delete_all() {
    std::string key;
    if (pos_ + 1 < words_.size()) {
      if (words_.size() != pos_ + 3) fail("-D", "Wrong number of options for Delete all request");
      if (words_[pos_ + 1] != "-k") fail(words_[pos_ + 1], "Only the -k option is allowed");
      key = words_[pos_ + 2];
      pos_ += 2;
    }
    control("-D", key);
  }

  void comparison(const std::string& text) {
    auto condition = split_condition(text);
    if (!condition || (condition->op != Op::eq && condition->op != Op::ne))
      fail(text, dialect_ == Dialect::auditctl ? text + " only takes = or != operators" : "-C needs field=field or field!=field");
    if (dialect_ == Dialect::auditctl) {
      auditctl_comparison_check(text, condition->left, condition->right);
    } else {
      for (const auto& name : {condition->left, condition->right})
        if (!is_known_field(name)) fail(name, "Unknown field: " + name);
    }
    syscall_.comparisons.push_back({condition->left, condition->op, condition->right});
    sent_.push_back("compare:" + condition->left + std::string(to_string(condition->op)) + condition->right);
  }

  // audit_rule_interfield_comp_data's checks, in its order and words (both name the left field):
  // the two names, the list, then the pair (uid-like ids with each other, gid-like likewise, never a
  // field with itself).
  void auditctl_comparison_check(const std::string& text, const std::string& left, const std::string& right) {
    if (!is_known_field(left)) fail(text, "-C unknown field: " + left);
    if (!is_known_field(right)) fail(text, "-C unknown right hand value for comparison with: " + left);
    if (syscall_.list != List::exit) fail(text, left + " can only be used with exit filter list");
    static const std::set<std::string> uids{"uid", "euid", "suid", "fsuid", "auid", "obj_uid"}, gids{"gid", "egid", "sgid", "fsgid", "obj_gid"};
    auto id = [](const std::string& name) { return name == "loginuid" ? std::string("auid") : name; };
    const std::string a = id(left), b = id(right);
    const bool compatible = a != b && ((uids.count(a) && uids.count(b)) || (gids.count(a) && gids.count(b)));
    if (!compatible) fail(text, "-C incompatible comparison " + left);
  }

  void watch_path(const std::string& option, const std::string& path) {
    if (kind_ != Kind::none) fail(option, dialect_ == Dialect::auditctl ? "watch option can't be given with a syscall" : "a rule has only one -a/-A/-w");
    if (path.empty() || path[0] != '/') fail(path, "watch path must be absolute");
    kind_ = Kind::watch;
    removes_ = option == "-W";
    watch_.path = path;
    // auditctl trims trailing slashes before it sends the path.
    std::string sent = path;
    while (sent.size() > 2 && sent.back() == '/') sent.pop_back();
    sent_.push_back("watch=" + sent);
    sent_conditions_.push_back({"path", Op::eq, sent});
  }

  // `-p` or `-F perm=`: auditctl takes the letters in either case, at most four, and words its
  // refusals differently for the two (audit_setup_perms, audit_rule_fieldpair_data).
  void perms(const std::string& value, bool field = false) {
    std::string lower;
    for (char c : value) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (dialect_ == Dialect::auditctl) {
      if (field && value.empty()) fail(value, "-F missing value after operation for perm");
      if (value.size() > 4) fail(value, field ? "String value too long" : "permission " + value + " is too long");
      if (auto bad = lower.find_first_not_of("rwxa"); bad != std::string::npos)
        fail(value, field ? "Permission can only contain  'rwxa'" : "Permission " + value.substr(bad, 1) + " isn't supported");
    } else if (value.empty() || value.find_first_not_of("rwxa") != std::string::npos) {
      fail(value, "permissions must be a combination of r, w, x and a");
    }
    const std::string& letters = lower;
    watch_.perms = letters;
    perm_added_ = true;
    // A bit set: "wa" and "aw" are the same permission.
    std::string bits;
    for (char c : std::string("rwxa"))
      if (letters.find(c) != std::string::npos) bits += c;
    sent_.push_back("perm=" + bits);
  }

  void control(const std::string& option, const std::string& value) {
    if (kind_ != Kind::none) fail(option, "control options cannot be combined with a rule");
    if (auto error = control_value_error(option, value); !error.empty()) fail(value, error);
    kind_ = Kind::control;
    control_ = {option, value};
  }

  Rule finish() {
    // auditctl joins the keys with \x01 and sends them as one field, after every other.
    std::string joined;
    for (const auto& k : keys_) joined += (joined.empty() ? "" : "\x01") + k;
    if (dialect_ == Dialect::auditctl && gathered_keys_ && kind_ == Kind::syscall) {
      // The keys go through audit_rule_fieldpair_data as "key=...": the field checks of the list apply.
      if (syscall_.list == List::exclude && userspace_ == Userspace::audit3)
        fail("key=" + joined, "Only msgtype, *uid, *gid, pid, and subj* fields can be used with exclude filter");
      if (!key_may_follow()) fail("key=" + joined, "Key field needs a watch, syscall or exe path given prior to it");
    }
    if (gathered_keys_) sent_conditions_.push_back({"key", Op::eq, joined});
    if (dialect_ == Dialect::auditctl && kind_ != Kind::control && kind_ != Kind::none) kernel_checks();
    else if (positional_key_ && gathered_keys_) refuse_second_key();
    if (!keys_.empty() && !positional_key_) sent_.push_back("key=" + joined);
    switch (kind_) {
      case Kind::none:
        fail(words_.empty() ? "" : words_[0], "not a rule: expected -a, -w or a control option");
      case Kind::control:
        rule_.body = control_;
        return rule_;
      case Kind::watch:
        watch_.keys = keys_;
        watch_.sent_fields = sent_;
        if (removes_) rule_.body = Removal{watch_};
        else rule_.body = watch_;
        return rule_;
      case Kind::syscall:
        break;
    }
    if (dialect_ != Dialect::auditctl) check_list_fields();
    if (syscall_.list == List::exit && !saw_syscall_) syscall_.all_syscalls = true;
    std::sort(syscall_.syscalls.begin(), syscall_.syscalls.end());
    syscall_.syscalls.erase(std::unique(syscall_.syscalls.begin(), syscall_.syscalls.end()), syscall_.syscalls.end());
    syscall_.keys = keys_;
    syscall_.sent_fields = sent_;
    if (removes_) rule_.body = Removal{syscall_};
    else rule_.body = syscall_;
    return rule_;
  }

  // What no audit userspace sends on each list (a listing may come from any of them: audit 4 sends
  // euid= on the exclude list, and a key after exe= on the task list), in auditctl's words.
  void check_list_fields() {
    const List list = syscall_.list;
    if (list == List::task && saw_syscall_) fail("-S", "Error: syscall auditing being added to task list");
    if (list == List::exclude && saw_syscall_) fail("-S", "Error: syscall auditing cannot be put on exclude list");
    if ((list == List::task || list == List::exclude) && !syscall_.comparisons.empty())
      fail("-C", syscall_.comparisons.front().left + " can only be used with exit filter list");
    static const std::vector<std::string> exit_only{"exit", "success", "ppid", "path", "dir", "perm", "filetype", "inode", "devmajor", "devminor"};
    for (const auto& field : syscall_.fields) {
      const std::string& name = field.field;
      const std::string text = name + std::string(to_string(field.op)) + field.value;
      if (name == "msgtype" && list != List::exclude && list != List::user)
        fail(text, "msgtype field can only be used with exclude or user filter list");
      const bool exit_only_here = list == List::task || (list == List::exclude && name != "perm");
      if (exit_only_here && std::find(exit_only.begin(), exit_only.end(), name) != exit_only.end())
        fail(text, name + " can only be used with exit filter list");
      if (list == List::task && name == "sessionid") fail(text, "sessionid must be used with exclude, user, or exit filter");
    }
  }

  enum class Kind { none, syscall, watch, control };
  std::vector<std::string> words_;
  Arch arch_;
  const std::string& source_;
  int number_;
  Dialect dialect_;
  Userspace userspace_;
  size_t pos_ = 0;
  Kind kind_ = Kind::none;
  bool saw_syscall_ = false, perm_added_ = false, exe_added_ = false, fstype_added_ = false, removes_ = false;
  bool positional_key_ = false, gathered_keys_ = false, second_key_ = false;  // key!= fields; keys from -k and -F key=
  std::vector<SplitCondition> sent_conditions_;  // every field auditctl sends, in order (the kernel's checks)
  std::optional<Abi> printed_in_;
  std::optional<Abi> names_abi_;  // the ABI -F arch named (syscall names resolve in its table)
  std::vector<std::string> sent_;
  Rule rule_;
  SyscallRule syscall_;
  WatchRule watch_;
  ControlLine control_;
  std::vector<std::string> keys_;
};

}  // namespace

std::vector<NumberedLine> numbered_lines(std::string_view text) {
  std::vector<NumberedLine> lines;
  int number = 0;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    lines.push_back({++number, trim(text.substr(start, end - start))});
    start = end + 1;
  }
  return lines;
}

std::vector<NumberedLine> rule_lines(std::string_view text) {
  std::vector<NumberedLine> rules;
  for (auto& line : numbered_lines(text))
    if (!line.text.empty() && line.text[0] != '#' && line.text != "No rules") rules.push_back(std::move(line));
  return rules;
}

namespace {

void refuse_nul(std::string_view line, const std::string& source, int line_number) {
  auto nul = line.find('\0');
  if (nul == std::string_view::npos) return;
  // Name the word that holds it, with the NUL spelt out (a raw one would cut the message short).
  size_t begin = line.find_last_of(" \t", nul);
  begin = begin == std::string_view::npos ? 0 : begin + 1;
  std::string word;
  for (char c : line.substr(begin, line.find_first_of(" \t", nul) - begin)) word += c == '\0' ? std::string("\\0") : std::string(1, c);
  throw InputError({source, line_number, word}, "a NUL byte inside a rule (auditctl would cut the line there)");
}

}  // namespace

Rule parse_rule_line(std::string_view line, Arch arch, const std::string& source, int line_number, Dialect dialect,
                     Userspace userspace) {
  refuse_nul(line, source, line_number);
  return LineParser(line, arch, source, line_number, dialect, userspace).parse();
}

RuleSet parse_rules(std::string_view text, Arch arch, const std::string& source) {
  RuleSet set{source, arch, {}};
  for (const auto& [number, line] : rule_lines(text))
    set.rules.push_back(parse_rule_line(line, arch, source, number));
  return set;
}

namespace {

// Reads the rules of one listing in order, keeping the machine auditctl keeps while printing them.
class ListingReader {
 public:
  ListingReader(Arch arch, const std::string& source) : arch_(arch), source_(source) {}

  Rule read(const std::string& line, int number) {
    refuse_nul(line, source_, number);
    Rule rule = LineParser(line, arch_, source_, number, Dialect::listing, Userspace::audit3, printed_in_).parse();
    if (const auto* syscall = rule.syscall_rule()) {
      if (syscall->abi) printed_in_ = syscall->abi;
      else if (printed_in_ == Abi::b32 && !syscall->syscalls.empty()) rule.listed_in = Abi::b32;
    }
    return rule;
  }

 private:
  Arch arch_;
  const std::string& source_;
  std::optional<Abi> printed_in_;  // the arch field of the last rule listed that had one
};

}  // namespace

RuleSet parse_listing(std::string_view text, Arch arch, const std::string& source) {
  RuleSet set{source, arch, {}};
  ListingReader reader(arch, source);
  for (const auto& [number, line] : rule_lines(text)) set.rules.push_back(reader.read(line, number));
  return set;
}

std::vector<NumberedLine> loadable_lines(std::string_view listing, Arch arch, const std::string& source) {
  std::vector<NumberedLine> out;
  ListingReader reader(arch, source);
  for (auto& line : rule_lines(listing)) {
    try {
      auto rule = reader.read(line.text, line.number);
      if (rule.listed_in) line.text = canonical_text(rule, arch);
    } catch (const InputError&) {
      // Kept as it is: loading it shows what auditctl makes of it.
    }
    out.push_back(std::move(line));
  }
  return out;
}

}  // namespace auditvm::rules
