#include "scenario/guest_commands.hpp"

#include <random>
#include <regex>

#include "check/status_checks.hpp"
#include "core/errors.hpp"
#include "core/text.hpp"
#include "machine/channel.hpp"
#include "nixos/units.hpp"
#include "rules/parser.hpp"

namespace auditvm::scenario {
namespace {
// A sleep without a fork (busybox's sleep is one, ~10 ms under TCG): bash's own read timing out
// on a FIFO that nobody writes. The scripts that nap make the FIFO first.
constexpr const char* kNapSetup = "[ -p /run/auditvm-nap ] || mkfifo /run/auditvm-nap\n";
std::string nap(const char* seconds) { return std::string("read -t ") + seconds + " <>/run/auditvm-nap"; }
}  // namespace

std::string steps_script(const std::vector<GuestStep>& steps, const std::string& boundary, const std::string& err_file) {
  // Stdout goes straight out; stderr is copied after it only when there is any (a fork saved).
  std::string script;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    // bash's own clock (no fork) times each step, in microseconds after its exit status.
    script += "__t=${EPOCHREALTIME//[.,]/}\n( eval " + machine::ansi_c_quote(steps[i].script) + " ) 2>" + machine::ansi_c_quote(err_file) +
              " </dev/null; __rc=$?\n";
    script += "printf '\\n%s %s %s %s\\n' " + boundary + " " + std::to_string(i) + " $__rc $(( ${EPOCHREALTIME//[.,]/}+0 - ${__t:-0} ))\n";
    script += "[ -s " + machine::ansi_c_quote(err_file) + " ] && cat " + machine::ansi_c_quote(err_file) + "\n";
    script += "printf '\\n%s\\n' " + boundary + "\n";
    if (steps[i].required) script += "[ $__rc -eq 0 ] || exit 0\n";
  }
  return script;
}

std::vector<machine::CommandResult> parse_steps(const std::string& output, const std::string& boundary, std::size_t count,
                                                std::vector<double>* seconds) {
  std::vector<machine::CommandResult> results;
  std::size_t cursor = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const std::string head = "\n" + boundary + " " + std::to_string(i) + " ";
    auto at = output.find(head, cursor);
    if (at == std::string::npos) break;
    auto line_end = output.find('\n', at + head.size());
    auto tail = output.find("\n" + boundary + "\n", line_end == std::string::npos ? at : line_end);
    if (line_end == std::string::npos || tail == std::string::npos) break;
    machine::CommandResult result;
    double took = 0;
    try {
      const std::string status = output.substr(at + head.size(), line_end - at - head.size());
      std::size_t used = 0;
      result.exit_status = std::stoi(status, &used);
      if (used < status.size()) took = std::stod(status.substr(used)) / 1e6;  // the guest's microseconds
    } catch (const std::exception&) {
      break;
    }
    if (seconds) seconds->push_back(took);
    result.out = output.substr(cursor, at - cursor);
    // stderr sits between the header line and the closing boundary (nothing when it was empty).
    result.err = tail > line_end ? output.substr(line_end + 1, tail - line_end - 1) : "";
    results.push_back(std::move(result));
    cursor = tail + boundary.size() + 2;
  }
  return results;
}

std::string random_step_boundary() {
  static thread_local std::mt19937_64 random{std::random_device{}()};
  static const char hex[] = "0123456789abcdef";
  std::string boundary = "@avm-step-";
  auto bits = random();
  for (int i = 0; i < 16; ++i, bits >>= 4) boundary += hex[bits & 15];
  return boundary;
}

AuditSettings audit_settings(const std::string& auditctl_s) {
  const auto status = check::parse_auditctl_status(auditctl_s);
  auto field = [&](const char* name) {
    auto value = status.number(name);
    if (!value) throw InfraError(std::string("auditctl -s shows no number for ") + name + ": " + auditctl_s);
    return *value;
  };
  AuditSettings settings{field("enabled"), field("failure"), field("backlog_limit"), field("rate_limit"), status.number("backlog_wait_time")};
  return settings;
}

std::vector<std::string> audit_settings_lines(const AuditSettings& settings) {
  std::vector<std::string> lines{"-f " + std::to_string(settings.failure), "-r " + std::to_string(settings.rate_limit),
                                 "-b " + std::to_string(settings.backlog_limit)};
  if (settings.backlog_wait_time) lines.push_back("--backlog_wait_time " + std::to_string(*settings.backlog_wait_time));
  lines.push_back("-e " + std::to_string(settings.enabled));
  return lines;
}

std::string check_audit_settings_script(const AuditSettings& settings) {
  std::vector<std::string> wanted{"enabled " + std::to_string(settings.enabled), "failure " + std::to_string(settings.failure),
                                  "backlog_limit " + std::to_string(settings.backlog_limit), "rate_limit " + std::to_string(settings.rate_limit)};
  if (settings.backlog_wait_time) wanted.push_back("backlog_wait_time " + std::to_string(*settings.backlog_wait_time));
  // Whole lines, matched by bash itself (no fork per field).
  std::string script = "s=$'\\n'\"$(auditctl -s)\"$'\\n'\nfor want in";
  for (const auto& line : wanted) script += " " + machine::ansi_c_quote(line);
  return script + R"SH(; do
  [[ $s == *$'\n'"$want"$'\n'* ]] || { echo "audit status not restored: want $want, auditctl -s shows:$s"; exit 1; }
done
)SH";
}

std::string reset_script(const AuditSettings& boot) {
  // The rules go first: loaded, they would record the reset's own commands, and once auditd is
  // gone send those records to the kernel log and its hold queue (a rule set recording every
  // call filled the guest's memory that way). The boot's settings in the same auditctl, failure
  // before the rules' removal records; a locked guest refuses the first line.
  auto lines = audit_settings_lines(boot);
  lines.insert(lines.end() - 1, "-D");
  std::string write = "printf '%s\\n'";
  for (const auto& line : lines) write += " " + machine::ansi_c_quote(line);
  return std::string(kNapSetup) + write + " >/run/auditvm-reset.rules\n" +
         "auditctl -R /run/auditvm-reset.rules >/dev/null\nkillall auditd 2>/dev/null\ni=0; while pidof auditd >/dev/null && [ $i -lt 250 ]; do " +
         nap("0.02") + R"SH(; i=$((i+1)); done
rm -f /var/log/audit/*
rmmod nls_ascii 2>/dev/null
dmesg -c >/dev/null
[ "$(auditctl -l)" = "No rules" ] || { echo "rules remain"; exit 1; }
! grep -q '^nls_ascii ' /proc/modules || { echo "module still loaded"; exit 1; }
! pidof auditd >/dev/null || { echo "auditd still running"; exit 1; }
[ -z "$(ls /var/log/audit)" ] || { echo "audit log remains"; exit 1; }
)SH" + check_audit_settings_script(boot);
}

std::string prepare_script(const nixos::NixosConfig& config, const std::string& rules_text) {
  std::string script = "set -e\nprintf %s " + machine::ansi_c_quote(rules_text) + " > " + kRulesFile + "\n";
  for (const auto& [key, value] : config.sysctl) script += "sysctl -w " + machine::ansi_c_quote(key + "=" + value) + " >/dev/null\n";
  return script;
}

// auditctl -R sends its complaints to syslog (NixOS's journal shows them for audit-rules-nixos):
// they are appended to its own output once syslogd has them. After a failure the unit's failure
// commands run as systemd runs ExecStopPost lines: in order, up to the first that fails (both do
// after an `-e 2` line); their output is not auditctl -R's.
std::string load_rules_script(const std::vector<std::string>& on_failure) {
  std::string stop_post;
  for (const auto& command : on_failure) stop_post += (stop_post.empty() ? "" : " && ") + command + " >/dev/null 2>&1";
  if (!stop_post.empty()) stop_post = "[ $rc -eq 0 ] || { " + stop_post + "; }\n";
  return std::string(kNapSetup) + "n=$(wc -c </var/log/messages 2>/dev/null || echo 0)\nauditctl -R " + kRulesFile + R"SH( 2>&1; rc=$?
if [ $rc -ne 0 ] && [ -e /var/log/messages ]; then
  i=0
  while [ $i -lt 50 ] && ! tail -c +$((n + 1)) /var/log/messages | grep -q "There was an error in line"; do )SH" + nap("0.02") + R"SH(; i=$((i + 1)); done
  tail -c +$((n + 1)) /var/log/messages | sed -n 's/^.* auditctl[^:]*: //p'
fi
)SH" + stop_post + "exit $rc\n";
}

std::string probe_paths_script(const std::vector<std::string>& paths) {
  // [ -d ] and [ -e ] follow symbolic links, as the kernel's lookup does; for a path that is not
  // there, the nearest existing ancestor says whether the lookup ends in ENOENT or ENOTDIR.
  std::string script = R"SH(probe() {
  if [ -d "$1" ]; then echo directory
  elif [ -e "$1" ]; then echo other
  elif [ -L "$1" ]; then echo dangling
  else
    a=$1; while [ -n "$a" ] && ! [ -e "$a" ]; do b=${a%/*}; [ "$b" = "$a" ] && b=; a=$b; done
    if [ -z "$a" ] || [ -d "$a" ]; then echo missing; else echo blocked; fi
  fi
}
)SH";
  for (const auto& path : paths) script += "probe " + machine::ansi_c_quote(path) + "\n";
  return script;
}

check::TargetPaths parse_path_probe(const std::string& output, const std::vector<std::string>& paths) {
  check::TargetPaths target;
  std::size_t start = 0;
  for (const auto& path : paths) {
    auto end = output.find('\n', start);
    auto state = end == std::string::npos ? std::nullopt : check::parse_path_state(std::string_view(output).substr(start, end - start));
    if (!state) throw InfraError("probing the guest's paths: no state came back for " + path + ": " + output);
    target.states[path] = *state;
    start = end + 1;
  }
  return target;
}

namespace {

// Waits (tries x step seconds at most) until the kernel knows auditd's pid and its log exists, so
// no record goes to printk; exits 1 if it never does. The log is looked for first: a shell test
// costs nothing, `auditctl -s` is two execs under emulation, taken from auditd's start.
std::string wait_for_auditd(int tries, const char* step) {
  return std::string(kNapSetup) + "i=0; while [ $i -lt " + std::to_string(tries) + R"SH( ]; do
  if [ -e /var/log/audit/audit.log ]; then pid=$(auditctl -s | sed -n 's/^pid //p'); [ -n "$pid" ] && [ "$pid" != 0 ] && exit 0; fi
  )SH" + nap(step) + R"SH(; i=$((i+1))
done
echo "auditd did not register with the kernel"; exit 1
)SH";
}

}  // namespace

std::string start_auditd_script() {
  // NixOS's flags but -n (here auditd daemonises: started, it is not yet registered). `-s nochange`
  // as there: auditd leaves the kernel's enabled flag alone (by default it sets 1 at its start and 0
  // at its stop, which undid the failed rules unit's `auditctl -e 0`).
  return "auditd -l -s nochange || exit 1\n" + wait_for_auditd(500, "0.02");
}

std::string booted_configuration_settle_script(bool runs_auditd) {
  std::string script = "timeout 300 systemctl is-system-running --wait >/dev/null 2>&1\n";
  if (!runs_auditd) return script + "exit 0\n";
  return script + wait_for_auditd(600, "0.1");
}

std::string booted_rules_file_script(const nixos::NixosConfig& config) {
  const std::string unit = nixos::audit_unit_name(config);
  if (config.module == nixos::ModuleVersion::nixos_24_11)
    // The newest of mktemp's files: the script wrote it just before `auditctl -R "$rulesfile"`.
    return "file=$(ls -t /tmp/tmp.* 2>/dev/null | head -n 1)\n[ -z \"$file\" ] || cat \"$file\"\n";
  return "file=$(systemctl show -P ExecStart " + unit + R"SH( | sed -n 's/.* -R \([^ ;]*\).*/\1/p' | head -n 1)
[ -z "$file" ] || cat "$file"
)SH";
}

std::string booted_load_output_script(const nixos::NixosConfig& config) {
  const std::string unit = nixos::audit_unit_name(config);
  return "journalctl -b -o cat --no-pager -u " + unit + "\n[ \"$(systemctl show -P Result " + unit + ")\" = success ]\n";
}

std::vector<GuestCall> action_calls(const Scenario& scenario) {
  std::vector<GuestCall> calls;
  for (const auto& action : scenario.actions) {
    const Actor& actor = scenario.actor(action.actor);
    GuestCall call;
    call.id = action.index;
    call.abi = action.abi;
    call.syscall = action.syscall;
    call.login = actor.login;
    call.auid = actor.auid;
    call.uid = call.euid = actor.uid;
    call.gid = actor.gid;
    calls.push_back(call);
  }
  return calls;
}

std::string audit_services_script(const std::string& audit_unit) {
  const std::string unit = machine::ansi_c_quote(audit_unit);
  // /run/systemd/system exists exactly when systemd is PID 1 (sd_booted(3)).
  return "if [ -d /run/systemd/system ]; then\n"
         "  echo init systemd\n"
         "  echo \"auditd $(systemctl is-active auditd.service)\"\n"
         "  echo \"audit $(systemctl is-active " + unit + ")\"\n"
         "  echo audit_unit " + unit + "\n"
         "else\n"
         "  echo init other\n"
         "  if pidof auditd >/dev/null; then echo auditd active; else echo auditd inactive; fi\n"
         "fi\n"
         // The audit package's programs the STIG's checks run (auditctl, auditd, ausearch, augenrules is Red Hat's).
         "missing=; for p in auditctl auditd ausearch; do command -v $p >/dev/null || missing=\"$missing $p\"; done\n"
         "if [ -z \"$missing\" ]; then echo audit_package installed; else echo \"audit_package missing$missing\"; fi\n";
}

std::string sync_audit_log_script(const std::string& marker) {
  // With auditing off the kernel records nothing, and drops user messages, the marker too
  // (audit_receive_msg): nothing is on its way to the log. NixOS leaves it off with auditd running
  // when audit-rules-nixos fails at boot (ExecStopPost: auditctl -e 0, -D) after journald started.
  return std::string(kNapSetup) + "auditctl -s | grep -qx 'enabled 0' && exit 0\n"
         "auditctl -m " + marker + " >/dev/null 2>&1\n"
         "i=0; while ! grep -q " + marker + " " + kAuditLog + " 2>/dev/null && [ $i -lt 500 ]; do " + nap("0.02") + "; i=$((i+1)); done\n"
         "grep -q " + marker + " " + kAuditLog;
}

std::optional<report::LoadFailure> parse_load_failure(const std::string& output, const std::string& rules_text) {
  static const std::regex error_line(R"(There was an error in line (\d+) of)");
  std::smatch m;
  if (!std::regex_search(output, m, error_line)) return std::nullopt;
  report::LoadFailure failure;
  failure.line = std::stoi(m[1]);
  for (const auto& line : rules::numbered_lines(rules_text))
    if (line.number == failure.line) failure.text = line.text;
  // The reason is the last line before "There was an error ..." that is not something else auditctl
  // printed: its stdout (status lines of -b/-f/-r/-e, the "No rules" of -D) comes after all of its
  // stderr, and syslog's lines after both; WARNINGs are about other lines (or this one, loaded).
  static const std::regex not_reason(R"(^(No rules|[a-z_]+ -?\d+( \w+)?|WARNING - .*|Warning - .*|Old style watch rules are slower|perm used without an arch is slower)?$)");
  std::string before = output.substr(0, static_cast<size_t>(m.position(0)));
  const auto lines = split(before, '\n');
  for (auto line = lines.rbegin(); line != lines.rend(); ++line)
    if (!std::regex_match(*line, not_reason)) {
      failure.message = *line;
      break;
    }
  return failure;
}

}  // namespace auditvm::scenario
