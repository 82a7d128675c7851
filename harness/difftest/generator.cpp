#include "difftest/generator.hpp"

#include <algorithm>

#include "check/load_simulation.hpp"
#include "core/errors.hpp"
#include "difftest/random.hpp"
#include "nixos/render.hpp"
#include "rules/canonical.hpp"
#include "rules/parser.hpp"
#include "rules/syscall_table.hpp"

namespace auditvm::difftest {

std::string_view to_string(Form form) { return form == Form::rules_file ? "rules file" : "auditctl -l"; }

std::string GeneratedRuleSet::text() const {
  std::string out;
  for (const auto& line : lines) out += line + "\n";
  return out;
}

nixos::NixosConfig configuration_for(const std::vector<std::string>& lines) {
  nixos::NixosConfig config;
  config.audit_enable = nixos::AuditEnable::on;
  config.auditd_enable = true;
  config.rules = lines;
  return config;
}

namespace {

using Strings = std::vector<std::string>;

// Field families: which values sit at the model's boundaries, and which operators make sense.
struct FieldFamily {
  Strings fields;
  Strings values;
  unsigned weight;  // how often a condition is on this family
};

const Strings kAllOps = {"=", "!=", "<", ">", "<=", ">=", "&", "&="};
// Ordered comparisons dominate: they are where off-by-one and signedness mistakes live.
const std::vector<unsigned> kIdOpWeights = {16, 22, 10, 10, 10, 26, 3, 3};
const std::vector<unsigned> kEqOpWeights = {45, 35, 5, 5, 3, 3, 2, 2};
const std::vector<unsigned> kArgOpWeights = {30, 20, 8, 8, 8, 8, 9, 9};

const std::vector<FieldFamily>& families() {
  static const std::vector<FieldFamily> f = {
      {{"auid"}, {"999", "1000", "1001", "1005", "4294967294", "4294967295", "unset", "-1", "-2", "0", "65535", "2147483648"}, 40},
      {{"loginuid"}, {"1000", "4294967294", "unset", "-1"}, 4},
      {{"uid", "euid", "suid", "fsuid", "obj_uid"}, {"0", "1", "999", "1000", "65534", "4294967294", "-1"}, 14},
      {{"gid", "egid", "sgid", "fsgid", "obj_gid"}, {"0", "100", "1000", "65534", "4294967294"}, 6},
      {{"success"}, {"0", "1", "2", "-1"}, 10},
      {{"exit"}, {"-1", "-13", "-EPERM", "-EACCES", "-ENOENT", "-EEXIST", "0", "1", "-4095", "-4096", "EPERM"}, 10},
      {{"msgtype"}, {"SYSCALL", "1300", "EOE", "PATH", "CWD", "1320"}, 3},
      {{"pid", "ppid"}, {"0", "1", "100"}, 2},
      {{"pers"}, {"0", "8"}, 1},
      {{"sessionid"}, {"unset", "1", "4294967295"}, 1},
      {{"a0", "a1", "a2", "a3"}, {"0", "1", "0x3", "-1"}, 3},
      {{"exe"}, {"/usr/bin/kmod", "/bin/busybox", "/sbin/insmod"}, 2},
      {{"path"}, {"/etc/passwd", "/etc/audit/audit.rules", "/nonexistent/x"}, 1},
      {{"dir"}, {"/etc", "/var/log/audit", "/nonexistent"}, 1},
      {{"perm"}, {"wa", "x", "rwxa"}, 1},
      {{"filetype"}, {"file", "dir"}, 1},
      {{"inode"}, {"1", "12345"}, 1},
      {{"devmajor", "devminor"}, {"0", "8"}, 1},
      {{"saddr_fam"}, {"2", "10", "100"}, 1},
      {{"fstype"}, {"debugfs", "tracefs"}, 1},
      {{"subj_user", "subj_role", "subj_type", "subj_sen", "subj_clr", "obj_user", "obj_role", "obj_type", "obj_lev_low",
        "obj_lev_high"},
       {"system_u", "unconfined_t", "s0"},
       1},
  };
  return f;
}

const std::vector<unsigned>& op_weights(const FieldFamily& family) {
  const auto& name = family.fields.front();
  if (name == "auid" || name == "loginuid" || name == "uid" || name == "gid" || name == "exit") return kIdOpWeights;
  if (name == "a0" || name == "saddr_fam") return kArgOpWeights;
  return kEqOpWeights;
}

const Strings kModuleCalls = {"init_module", "finit_module", "delete_module"};
// Other syscalls, some of which one arch or ABI lacks (aarch64 has no open, chmod, rename).
const Strings kOtherCalls = {"openat", "mount", "umount2", "execve", "kill", "ptrace", "reboot", "open", "chmod",
                             "rename", "creat", "unlink", "settimeofday", "sethostname", "setxattr"};
const std::vector<std::pair<std::string, std::string>> kComparisons = {
    {"uid", "euid"}, {"auid", "uid"}, {"auid", "euid"}, {"uid", "suid"}, {"gid", "egid"}, {"auid", "obj_uid"}, {"uid", "obj_uid"}, {"euid", "fsuid"}};

class Grammar {
 public:
  Grammar(Arch arch, Random& random) : arch_(arch), r_(random) {}

  Strings lines() {
    static const std::vector<unsigned> count_weights = {0, 20, 25, 20, 15, 10, 5, 3, 2};
    std::size_t count = r_.weighted(count_weights);
    Strings out;
    for (std::size_t i = 0; i < count; ++i) out.push_back(line(out));
    return out;
  }

 private:
  std::string line(const Strings& earlier) {
    switch (r_.weighted({84, 8, 3, 5})) {
      case 0: return syscall_rule();
      case 1: return control();
      case 2: return watch();
      default: return deletion(earlier);
    }
  }

  std::string control() {
    static const Strings lines = {"-D", "-e 0", "-e 1", "-b 8192", "-f 0", "-f 1", "-r 0", "--backlog_wait_time 60000", "--reset-lost"};
    // Never -e 2 or --loginuid-immutable (they outlive a reset), nor -f 2 (a panic) or a rate
    // limit (records lost by design).
    return lines[r_.weighted({3, 2, 2, 2, 1, 1, 1, 1, 1})];
  }

  std::string watch() {
    static const Strings paths = {"/etc/passwd", "/etc/audit/", "/var/log/audit", "/nonexistent/dir/file"};
    std::string out = "-w " + r_.pick(paths);
    if (r_.percent(80)) out += " -p " + r_.pick(Strings{"wa", "r", "x", "rwxa"});
    if (r_.percent(60)) out += " -k " + key();
    return out;
  }

  // -d: usually an earlier rule written another way (syscalls reversed), else one never added.
  std::string deletion(const Strings& earlier) {
    std::vector<std::string> rules;
    for (const auto& e : earlier)
      if (e.rfind("-a ", 0) == 0 || e.rfind("-A ", 0) == 0) rules.push_back(e);
    std::string rule = rules.empty() || r_.percent(20) ? syscall_rule() : r_.pick(rules);
    rule = "-d" + rule.substr(2);
    if (r_.percent(50)) {  // spell the -S list the other way round
      auto at = rule.find(" -S ");
      if (at != std::string::npos) {
        auto end = rule.find(' ', at + 4);
        std::string list = rule.substr(at + 4, end == std::string::npos ? std::string::npos : end - at - 4);
        Strings names;
        for (std::size_t s = 0, e; s <= list.size(); s = e + 1) {
          e = list.find(',', s);
          if (e == std::string::npos) e = list.size();
          names.push_back(list.substr(s, e - s));
        }
        std::reverse(names.begin(), names.end());
        std::string joined;
        for (const auto& n : names) joined += (joined.empty() ? "" : ",") + n;
        rule.replace(at + 4, list.size(), joined);
      }
    }
    return rule;
  }

  std::string key() { return r_.pick(Strings{"module_chng", "m", "k1", "stig", "x"}); }

  std::string syscall_rule() {
    static const Strings lists = {"exit", "task", "exclude", "user", "filesystem"};
    std::string list = lists[r_.weighted({78, 6, 8, 4, 4})];
    bool stig_shaped = list == "exit" && r_.percent(30);
    std::string action = stig_shaped || r_.percent(62) ? "always" : "never";
    std::string out = r_.percent(15) ? "-A " : "-a ";
    out += r_.percent(20) ? list + "," + action : action + "," + list;
    std::optional<Abi> abi;
    if (list == "exit" || r_.percent(10)) {
      auto choice = r_.weighted({45, 28, 10, 17});  // b64, b32, a machine name, no -F arch
      if (choice == 0 || choice == 1) {
        abi = choice == 0 ? Abi::b64 : Abi::b32;
        out += " -F arch=" + std::string(to_string(*abi));
      } else if (choice == 2) {
        abi = r_.percent(60) ? Abi::b64 : Abi::b32;
        out += " -F arch=" + std::string(audit_machine_name(arch_, *abi));
      }
    }
    if (list == "exit" ? !r_.percent(3) : r_.percent(8)) out += syscalls(abi.value_or(Abi::b64), stig_shaped);
    if (stig_shaped) {
      out += stig_conditions();
    } else {
      for (std::size_t n = r_.weighted({25, 35, 25, 10, 5}); n > 0; --n) out += condition(list);
    }
    if (r_.percent(8)) {
      const auto& [left, right] = r_.pick(kComparisons);
      out += " -C " + left + (r_.percent(60) ? "!=" : "=") + right;
    }
    if (r_.percent(55)) out += r_.percent(80) ? " -k " + key() : " -F key=" + key();
    return out;
  }

  // The STIG's own shape, perturbed at one of its boundaries now and then.
  std::string stig_conditions() {
    std::string low = r_.percent(75) ? "1000" : r_.pick(Strings{"999", "1001", "0"});
    std::string op = r_.percent(80) ? ">=" : r_.pick(Strings{">", "=", "!="});
    std::string out = " -F auid" + op + low;
    if (r_.percent(80)) out += " -F auid!=" + r_.pick(Strings{"unset", "-1", "4294967295", "4294967294"});
    if (r_.percent(15)) out += condition("exit");
    return out;
  }

  std::string syscalls(Abi abi, bool stig_shaped) {
    if (!stig_shaped && r_.percent(4)) return " -S all";
    Strings names;
    if (stig_shaped || r_.percent(80)) {
      for (const auto& call : kModuleCalls)
        if (stig_shaped ? r_.percent(85) : r_.percent(45)) names.push_back(call);
      if (names.empty()) names.push_back(r_.pick(kModuleCalls));
    }
    if (names.empty() || r_.percent(15)) names.push_back(r_.pick(kOtherCalls));
    if (r_.percent(10)) {  // a number instead of a name: the ABI's own number, another ABI's, or too big
      auto at = r_.below(names.size());
      auto number = rules::syscall_number(arch_, r_.percent(70) ? abi : Abi::b64, names[at]);
      names[at] = r_.percent(90) && number ? std::to_string(*number) : std::to_string(r_.percent(50) ? 2048 : r_.below(450));
    }
    if (r_.percent(20)) {  // one -S per name
      std::string out;
      for (const auto& n : names) out += " -S " + n;
      return out;
    }
    std::string joined;
    for (const auto& n : names) joined += (joined.empty() ? "" : ",") + n;
    return " -S " + joined;
  }

  std::string condition(const std::string& list) {
    const auto& all = families();
    std::vector<unsigned> weights;
    for (const auto& family : all) {
      unsigned w = family.weight;
      // Each list mostly gets the fields it takes.
      const auto& name = family.fields.front();
      if (list == "exclude") w = name == "msgtype" ? 60 : w / 2;
      if (list == "filesystem") w = name == "fstype" ? 60 : w / 4;
      if (list == "user") w = name == "auid" || name == "uid" || name == "msgtype" || name == "pid" ? w + 10 : w / 4;
      weights.push_back(w);
    }
    const auto& family = all[r_.weighted(weights)];
    const auto& field = r_.pick(family.fields);
    const auto& op = kAllOps[r_.weighted(op_weights(family))];
    return " -F " + field + op + r_.pick(family.values);
  }

  Arch arch_;
  Random& r_;
};

// What `auditctl -l` would print for each line that parses (others stay as written).
Strings as_listing(const Strings& lines, Arch arch) {
  Strings out;
  for (const auto& line : lines) {
    try {
      auto rule = rules::parse_rule_line(line, arch, "generated", 1, rules::Dialect::auditctl);
      out.push_back(rule.syscall_rule() || rule.watch_rule() ? rules::canonical_text(rule, arch) : line);
    } catch (const InputError&) {
      out.push_back(line);
    }
  }
  return out;
}

}  // namespace

GeneratedRuleSet generate_rule_set(Arch arch, std::uint64_t seed, std::uint64_t index, const GeneratorOptions& options) {
  std::uint64_t state = seed ^ (index * 0xD1B54A32D192ED03ULL);
  Random random(splitmix64(state));
  GeneratedRuleSet set;
  set.index = index;
  const bool want_loading = !random.percent(options.failing_percent);
  set.form = random.percent(30) ? Form::listing : Form::rules_file;
  // Draw until lint's prediction is the one wanted (a bounded, deterministic number of draws).
  for (int attempt = 0; attempt < 64; ++attempt) {
    Grammar grammar(arch, random);
    set.lines = grammar.lines();
    if (set.form == Form::listing) set.lines = as_listing(set.lines, arch);
    set.lint_loads = check::simulate_load(nixos::render_rules(configuration_for(set.lines)), arch, "generated").complete();
    if (set.lint_loads == want_loading) break;
  }
  return set;
}

const std::vector<std::string>& grammar_fields() {
  static const std::vector<std::string> fields = [] {
    std::vector<std::string> out;
    for (const auto& family : families()) out.insert(out.end(), family.fields.begin(), family.fields.end());
    return out;
  }();
  return fields;
}

}  // namespace auditvm::difftest
