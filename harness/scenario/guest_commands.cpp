#include "scenario/guest_commands.hpp"

#include <regex>

#include "machine/channel.hpp"
#include "nixos/units.hpp"
#include "rules/parser.hpp"

namespace auditvm::scenario {
std::string reset_script() {
  return R"SH(killall auditd 2>/dev/null
i=0; while pidof auditd >/dev/null && [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done
auditctl -D >/dev/null
rm -f /var/log/audit/*
rmmod nls_ascii 2>/dev/null
dmesg -c >/dev/null
[ "$(auditctl -l)" = "No rules" ] || { echo "rules remain"; exit 1; }
! grep -q '^nls_ascii ' /proc/modules || { echo "module still loaded"; exit 1; }
! pidof auditd >/dev/null || { echo "auditd still running"; exit 1; }
[ -z "$(ls /var/log/audit)" ] || { echo "audit log remains"; exit 1; }
)SH";
}

std::string prepare_script(const nixos::NixosConfig& config, const std::string& rules_text) {
  std::string script = "set -e\nprintf %s " + machine::ansi_c_quote(rules_text) + " > " + kRulesFile + "\n";
  for (const auto& [key, value] : config.sysctl) script += "sysctl -w " + machine::ansi_c_quote(key + "=" + value) + " >/dev/null\n";
  return script;
}

// auditctl -R sends its complaints to syslog (NixOS's journal shows them for audit-rules-nixos):
// they are appended to its own output once syslogd has them.
std::string load_rules_script() {
  return std::string("n=$(wc -c </var/log/messages 2>/dev/null || echo 0)\n"
                     "auditctl -R ") + kRulesFile + R"SH( 2>&1; rc=$?
if [ $rc -ne 0 ] && [ -e /var/log/messages ]; then
  i=0
  while [ $i -lt 20 ] && ! tail -c +$((n + 1)) /var/log/messages | grep -q "There was an error in line"; do sleep 0.05; i=$((i + 1)); done
  tail -c +$((n + 1)) /var/log/messages | sed -n 's/^.* auditctl[^:]*: //p'
fi
exit $rc
)SH";
}

namespace {

// Waits (tries x step seconds at most) until the kernel knows auditd's pid and its log exists, so
// no record goes to printk; exits 1 if it never does.
std::string wait_for_auditd(int tries, const char* step) {
  return "i=0; while [ $i -lt " + std::to_string(tries) + R"SH( ]; do
  pid=$(auditctl -s | sed -n 's/^pid //p'); [ -n "$pid" ] && [ "$pid" != 0 ] && [ -e /var/log/audit/audit.log ] && exit 0
  sleep )SH" + step + R"SH(; i=$((i+1))
done
echo "auditd did not register with the kernel"; exit 1
)SH";
}

}  // namespace

std::string start_auditd_script() {
  // Debian's auditd daemonises: started, it is not yet registered.
  return "auditd || exit 1\n" + wait_for_auditd(200, "0.05");
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

std::string sync_audit_log_script(const std::string& marker) {
  return "auditctl -m " + marker + " >/dev/null 2>&1\n"
         "i=0; while ! grep -q " + marker + " " + kAuditLog + " 2>/dev/null && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done\n"
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
  // auditctl prints the reason on the line(s) before "There was an error ...".
  std::string before = output.substr(0, static_cast<size_t>(m.position(0)));
  while (!before.empty() && before.back() == '\n') before.pop_back();
  failure.message = before.substr(before.find_last_of('\n') == std::string::npos ? 0 : before.find_last_of('\n') + 1);
  return failure;
}

}  // namespace auditvm::scenario
