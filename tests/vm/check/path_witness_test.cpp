// The STIG's watch and path rules (V-268097, V-268164..167) in real guests: every required access of
// every path, and a read the -p wa watches leave out, made by actors with and without a login uid
// >= 1000, as root and as uid 1000; each access's SYSCALL record (by pid, with a path rule's key) or
// its absence against predict_access. Once with the STIG's lines, once with typical mistakes (each
// Open access then confirmed by a witness that left no record). The guest is left as it was: writes
// append nothing, chmod sets the mode a file has, created files are removed. Both arches; the suite
// is bookworm, or AUDITVM_TEST_SUITE (trixie).
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <regex>
#include <set>

#include "check/path_coverage.hpp"
#include "image/builder.hpp"
#include "machine/channel.hpp"
#include "machine/machine.hpp"
#include "rules/parser.hpp"
#include "scenario/guest_commands.hpp"
#include "support/audit_guest_vm.hpp"

namespace auditvm {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

struct Actor {
  const char* name;
  std::uint32_t auid;
  std::uint32_t uid;  // also gid
};
const std::vector<Actor> kActors{{"root1000", 1000, 0}, {"user1000", 1000, 1000}, {"unset", rules::kUnsetId, 0}};

struct Witness {
  std::string name;
  std::string path;    // as the STIG names it
  std::string target;  // the file the access is made on (an entry for a directory)
  std::string access;
  const Actor* actor;
  bool creat = true;   // a write opens with O_CREAT (the shell's >>); else truncate -c (O_WRONLY only)
};

// The access as one exec chain in a single process, so its pid is the records' pid: the login uid
// written first (a fresh session), su execs the user's shell, the shell execs the access.
std::string command(const Witness& w) {
  std::string act;
  if (w.access == "write")  // O_WRONLY|O_CREAT|O_APPEND: nothing written; truncate -c -s 0 only on the empty crontab
    act = w.creat ? "sh -c ': >> " + w.target + "'" : "truncate -c -s 0 " + w.target;
  if (w.access == "read") act = "sh -c ': < " + w.target + "'";
  if (w.access == "attr") act = "chmod $(stat -c %a " + w.target + ") " + w.target;  // the mode it has, read by the shell that execs chmod
  if (w.access == "exec") act = w.target;
  if (w.actor->uid != 0) act = "su -s /bin/sh u1000 -c " + machine::ansi_c_quote("exec " + act);
  std::string login = w.actor->auid == rules::kUnsetId ? "" : "echo " + std::to_string(w.actor->auid) + " >/proc/self/loginuid; ";
  return "sh -c " + machine::ansi_c_quote("echo \"@" + w.name + " $$\"; " + login + "exec " + act + " </dev/null >/dev/null 2>&1");
}

std::vector<Witness> witnesses() {
  std::vector<Witness> out;
  for (const char* group : {"V-268097", "V-268164", "V-268165", "V-268166", "V-268167"}) {
    for (const auto& required : check::find_stig_rule(group).required_access) {
      std::vector<std::string> accesses = required.access;
      if (accesses[0] != "exec") accesses.push_back("read");  // -p wa: not required, not recorded
      for (const auto& path : required.paths)
        for (const auto& access : accesses)
          for (const auto& actor : kActors) {
            const std::string target = path.back() == '/' ? path + "root" : path;
            out.push_back({access + ":" + path + ":" + actor.name, path, target, access, &actor});
            if (access == "write" && path.back() == '/') out.push_back({"write-nocreat:" + path + ":" + actor.name, path, target, access, &actor, false});
          }
    }
  }
  return out;
}

// The keys the path rules record with: a record with another key is no path rule's.
const std::set<std::string> kKeys{"services", "privileged-usermod", "privileged-chage", "perm_mod", "logins", "identity", "mistake"};

class PathWitnessVm : public test::AuditGuestVm {
 protected:
  PathWitnessVm() : AuditGuestVm("pathwitness") {}

  // Loads `text`, makes every witness, returns (witness name -> pid) and the records.
  void run_witnesses(const std::string& text, const std::vector<Witness>& list, std::map<std::string, long>& pids, std::string& records) {
    const std::string log = scenario::kAuditLog;
    // Fixtures: a crontab to write to (made before the rules, so no record); cron.allow is absent,
    // as on NixOS, and the first write creates it. The guest's state is saved and compared after.
    std::string script = "auditctl -D >/dev/null\n: > /var/cron/tabs/root\nchmod 600 /var/cron/tabs/root\n"
                         "state() { for f in /etc/passwd /etc/shadow /etc/group /etc/gshadow /etc/sudoers /etc/security/opasswd "
                         "/var/log/lastlog /var/cron/cron.deny /var/cron/tabs/root; do stat -c '%n %a %s' $f; done; md5sum /etc/passwd /etc/shadow; }\n"
                         "state > /tmp/state.before\nprintf %s " + machine::ansi_c_quote(text) +
                         " >/tmp/paths.rules\nauditctl -R /tmp/paths.rules >/dev/null 2>&1 || { echo LOADFAIL; auditctl -R /tmp/paths.rules; exit 1; }\n"
                         "off=$(wc -c <" + log + ")\n";
    // cron.allow: made by the first write, before any chmod of it.
    for (const auto& w : list) script += command(w) + "\n";
    script += scenario::sync_audit_log_script("PATHS_SYNC") + " || sleep 1\nauditctl -D >/dev/null\nrm -f /var/cron/cron.allow /var/cron/tabs/root\n"
              ": > /var/cron/tabs/root; chmod 600 /var/cron/tabs/root; state > /tmp/state.after; rm -f /var/cron/tabs/root\n"
              "cmp /tmp/state.before /tmp/state.after >/dev/null || { echo STATECHANGED; diff /tmp/state.before /tmp/state.after; }\n"
              "echo @LOG\ntail -c +$((off + 1)) " + log + "\n";
    auto result = machine_->run(script, 600s);
    ASSERT_EQ(result.exit_status, 0) << result.out << result.err;
    const auto at_log = result.out.find("@LOG\n");
    ASSERT_NE(at_log, std::string::npos) << result.out;
    EXPECT_EQ(result.out.find("STATECHANGED"), std::string::npos) << "the witnesses changed the guest:\n" << result.out.substr(0, at_log);
    records = result.out.substr(at_log);
    static const std::regex pid_line(R"(^@(\S+) (\d+)$)");
    std::istringstream lines(result.out.substr(0, at_log));
    for (std::string line; std::getline(lines, line);) {
      std::smatch m;
      if (std::regex_match(line, m, pid_line)) pids[m[1]] = std::stol(m[2]);
    }
  }

  // Each witness's prediction against its records; returns the names of those with neither.
  std::set<std::string> judge(const std::string& text, const std::vector<Witness>& list) {
    std::map<std::string, long> pids;
    std::string records;
    run_witnesses(text, list, pids, records);
    const Arch arch = GetParam();
    auto loaded = rules::parse_rules(text, arch, "paths.rules");
    std::set<std::string> unrecorded;
    for (const auto& w : list) {
      SCOPED_TRACE(w.name);
      if (!pids.count(w.name)) {
        ADD_FAILURE() << "the witness did not run";
        continue;
      }
      // Every SYSCALL record of its pid with a path rule's key (the exec chain's own calls have none).
      const std::regex record("type=SYSCALL [^\\n]* pid=" + std::to_string(pids[w.name]) + " [^\\n]*key=\"([^\"]*)\"");
      std::set<std::string> keys;
      for (std::sregex_iterator m(records.begin(), records.end(), record), end; m != end; ++m)
        if (kKeys.count((*m)[1])) keys.insert((*m)[1]);
      check::PathAccess access;
      access.event.abi = Abi::b64;
      access.event.syscall = w.access == "exec" ? "execve" : w.access == "attr" ? "fchmodat" : "openat";
      access.event.auid = w.actor->auid;
      access.event.uid = access.event.euid = access.event.gid = w.actor->uid;
      access.path = w.path;
      access.access = w.access;
      access.creat_of_existing = w.access == "write" && w.creat;  // every target exists but cron.allow's first write
      auto predicted = check::predict_access(loaded, arch, access);
      if (predicted.fate == check::Fate::undecidable) continue;  // the kernels differ (6.1, 6.12): no claim
      EXPECT_EQ(predicted.recorded(), !keys.empty()) << "model: " << predicted.reason << "\nrecords with a path rule's key: " << keys.size();
      if (predicted.recorded() && !keys.empty()) {
        EXPECT_EQ(keys, std::set<std::string>{predicted.key});
      }
      if (!predicted.recorded() && keys.empty()) unrecorded.insert(w.name);
    }
    return unrecorded;
  }

};

TEST_P(PathWitnessVm, TheStigsLinesRecordEveryRequiredAccessAsPredicted) {
  std::string text;
  for (const char* group : {"V-268097", "V-268164", "V-268165", "V-268166", "V-268167"})
    for (const auto& line : check::find_stig_rule(group).literal_rules) text += line + "\n";
  auto list = witnesses();
  auto unrecorded = judge(text, list);
  // Left unrecorded, as predicted: reads (-p wa), and exec by an actor without a login uid >= 1000.
  for (const auto& name : unrecorded) EXPECT_TRUE(name.rfind("read:", 0) == 0 || name.find(":unset") != std::string::npos) << name;
  EXPECT_TRUE(unrecorded.count("exec:/run/current-system/sw/bin/usermod:unset"));
  EXPECT_TRUE(unrecorded.count("read:/etc/passwd:root1000"));
  // Every rule's verdict on these lines is NotAFinding.
  auto loaded = rules::parse_rules(text, GetParam(), "paths.rules");
  for (const char* group : {"V-268097", "V-268164", "V-268165", "V-268166", "V-268167"})
    EXPECT_EQ(check::evaluate(loaded, GetParam(), check::find_stig_rule(group)).verdict, check::Verdict::NotAFinding) << group;
}

// Typical mistakes: -p w without a, a path= on the cron directory (not a tree), 64-bit only with
// the wrong auid filter: each uncovered access the verdict names is confirmed by a witness without
// a record.
TEST_P(PathWitnessVm, TypicalMistakesLeaveTheAccessesTheyMissUnrecorded) {
  const std::string text =
      "-w /var/log/lastlog -p w -k mistake\n"
      "-a always,exit -F path=/var/cron/tabs -F perm=wa -k mistake\n"
      "-a always,exit -F arch=b64 -S all -F path=/run/current-system/sw/bin/usermod -F perm=x -F auid>1000 -F auid!=unset -k mistake\n";
  auto list = witnesses();
  auto unrecorded = judge(text, list);
  EXPECT_TRUE(unrecorded.count("attr:/var/log/lastlog:root1000"));
  EXPECT_FALSE(unrecorded.count("write:/var/log/lastlog:root1000"));
  EXPECT_TRUE(unrecorded.count("write-nocreat:/var/cron/tabs/:root1000"));

  EXPECT_TRUE(unrecorded.count("exec:/run/current-system/sw/bin/usermod:root1000"));
  auto loaded = rules::parse_rules(text, GetParam(), "paths.rules");
  for (const char* group : {"V-268097", "V-268164", "V-268166"})
    EXPECT_EQ(check::evaluate(loaded, GetParam(), check::find_stig_rule(group)).verdict, check::Verdict::Open) << group;
}

INSTANTIATE_TEST_SUITE_P(Arches, PathWitnessVm, testing::Values(Arch::x86_64, Arch::aarch64),
                         [](const auto& info) { return std::string(to_string(info.param)); });

}  // namespace
}  // namespace auditvm
