#include "scenario/guest_calls.hpp"

#include <algorithm>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "check/witness.hpp"
#include "machine/channel.hpp"
#include "rules/rule.hpp"

namespace auditvm::scenario {
namespace {

constexpr const char* kRunDir = "/run/auditvm";
constexpr const char* kBatchFile = "/run/auditvm/calls";
// The programs execve witnesses run (V-268091): copies of the b64 helper, root's, with the modes
// their names say, made once per boot when a batch execs one. Not under /run: systemd mounts it
// nosuid, so a setuid copy there runs with the caller's ids (measured in the systemd guest; NixOS
// keeps its setuid wrappers in a mount of their own, /run/wrappers).
constexpr const char* kExecDir = "/opt/auditvm/exec";
constexpr std::pair<const char*, const char*> kExecCopies[] = {{"plain", "0755"}, {"setuid", "4755"}, {"setgid", "2755"}, {"setugid", "6755"}};

// The runner tag of the executable that makes a call (the batch file's RUNNER field).
std::string runner_tag(const GuestCall& call) { return std::string(to_string(call.abi)) + (call.alternate_exe ? "-alt" : ""); }

std::string helper_path(const image::Manifest& manifest, Abi abi) {
  auto it = manifest.helpers.find(std::string(to_string(abi)));
  if (it == manifest.helpers.end()) throw std::invalid_argument("the guest's manifest names no " + std::string(to_string(abi)) + " helper");
  return it->second;
}

std::string batch_line(const GuestCall& call, std::size_t position) {
  std::ostringstream out;
  out << position << ' ' << runner_tag(call) << ' ' << call.syscall << ' ' << to_string(call.login) << ' '
      << (call.auid ? std::to_string(*call.auid) : "unset") << ' ' << call.uid << ' ' << call.euid << ' ' << call.gid << ' '
      << to_string(call.module_before) << ' ' << to_string(call.capability) << ' ' << (call.path.empty() ? to_string(call.argument) : call.path) << '\n';
  return out.str();
}

// The call of `event`'s caller: its ABI, call, login and ids.
GuestCall caller_of(const check::Event& event, int id) {
  GuestCall call;
  call.id = id;
  call.abi = event.abi;
  call.syscall = event.syscall;
  call.login = event.login;
  if (event.auid != rules::kUnsetId) call.auid = event.auid;
  call.uid = event.uid;
  call.euid = event.euid;
  call.gid = event.gid;
  return call;
}

}  // namespace

std::optional<GuestCall> call_for(const check::Event& event, int id) {
  if (!check::call_outcome_feasible(event)) return std::nullopt;
  const check::CallOutcome* outcome = check::call_outcome(event);
  GuestCall call = caller_of(event, id);
  call.module_before = outcome->before;
  call.capability = outcome->capability;
  call.argument = outcome->argument;
  call.alternate_exe = event.alternate_exe;
  if (event.syscall == "execve") {
    // The caller's ids before the exec: a setuid-root copy gives euid 0 to a caller of another
    // uid, a setgid-root copy egid 0 to one of another gid; a plain copy keeps the ids.
    const bool setuid = event.euid == 0 && event.uid != 0;
    const bool setgid = event.egid && *event.egid == 0 && event.gid != 0;
    if (setuid) call.euid = event.uid;
    call.path = std::string(kExecDir) + (setuid && setgid ? "/setugid" : setuid ? "/setuid" : setgid ? "/setgid" : "/plain");
  }
  return call;
}

GuestCall path_call(const check::PathWitness& witness, int id) {
  GuestCall call = caller_of(witness.access.event, id);
  call.path = witness.target;
  return call;
}

std::string alternate_helper_path(Abi abi) { return std::string(kRunDir) + "/alternate/modhelper-" + std::string(to_string(abi)); }

std::string calls_script(const std::vector<GuestCall>& calls, const image::Manifest& manifest) {
  if (calls.empty()) return ":\n";
  using machine::ansi_c_quote;
  std::string lines = "# ID RUNNER SYSCALL LOGIN AUID UID EUID GID BEFORE CAPABILITY ARGUMENT (guest/modhelper/modhelper.c)\n";
  bool used[2][2] = {};  // [abi][alternate]
  for (std::size_t i = 0; i < calls.size(); ++i) {
    lines += batch_line(calls[i], i);
    used[calls[i].abi == Abi::b64][calls[i].alternate_exe] = true;
  }
  std::string script = std::string("mkdir -p ") + kRunDir + "/alternate || exit 1\n";
  // The driver is the main b64 helper; every other executable gets one runner process it starts.
  std::string command = ansi_c_quote(helper_path(manifest, Abi::b64)) + " --batch " + kBatchFile + " --module " +
                        ansi_c_quote(manifest.module_path) + " --name " + ansi_c_quote(manifest.module_name) + " --as b64";
  for (Abi abi : {Abi::b64, Abi::b32}) {
    for (bool alternate : {false, true}) {
      if (!used[abi == Abi::b64][alternate] || (abi == Abi::b64 && !alternate)) continue;
      std::string path = alternate ? alternate_helper_path(abi) : helper_path(manifest, abi);
      if (alternate) {
        // A copy, not a link: its own inode. Made once per boot (/run is a tmpfs).
        std::string quoted = ansi_c_quote(path), fresh = ansi_c_quote(path + ".new"), source = ansi_c_quote(helper_path(manifest, abi));
        script += "[ -x " + quoted + " ] || { cp " + source + " " + fresh + " && chmod 0755 " + fresh + " && mv " + fresh + " " + quoted +
                  "; } || exit 1\n";
      }
      GuestCall tag_of;
      tag_of.abi = abi;
      tag_of.alternate_exe = alternate;
      command += " --runner " + ansi_c_quote(runner_tag(tag_of) + "=" + path);
    }
  }
  if (std::any_of(calls.begin(), calls.end(), [](const GuestCall& c) { return c.path.rfind(kExecDir, 0) == 0; })) {
    const std::string source = ansi_c_quote(helper_path(manifest, Abi::b64));
    for (const auto& [name, mode] : kExecCopies) {
      const std::string path = std::string(kExecDir) + "/" + name;
      script += "[ -x " + path + " ] || { mkdir -p " + kExecDir + " && cp " + source + " " + path + ".new && chown 0:0 " + path + ".new && chmod " + mode +
                " " + path + ".new && mv " + path + ".new " + path + "; } || exit 1\n";
    }
  }
  script += "printf %s " + ansi_c_quote(lines) + " > " + kBatchFile + " || exit 1\n";
  return script + command + "\n";
}

std::vector<CallResult> parse_call_results(const std::string& output, const std::vector<GuestCall>& calls) {
  std::vector<CallResult> results(calls.size());
  for (std::size_t i = 0; i < calls.size(); ++i) results[i].id = calls[i].id;
  std::vector<bool> seen(calls.size(), false);
  std::string stray;  // lines that belong to no call (a usage message, noise): shown for the calls without a result
  std::istringstream lines(output);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty()) continue;
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(line);
    } catch (const nlohmann::json::exception&) {
      stray += (stray.empty() ? "" : "\n") + line;
      continue;
    }
    std::size_t position = 0;
    if (!j.is_object() || !j.contains("id") || !j["id"].is_number_unsigned() || (position = j["id"].get<std::size_t>()) >= calls.size() ||
        seen[position]) {
      stray += (stray.empty() ? "" : "\n") + line;
      continue;
    }
    seen[position] = true;
    CallResult& result = results[position];
    const GuestCall& call = calls[position];
    result.raw = line;
    try {
      if (j.contains("setup_failed")) {
        result.setup_failed = j.at("setup_failed").get<std::string>();
        continue;
      }
      if (j.at("syscall").get<std::string>() != call.syscall || j.at("abi").get<std::string>() != to_string(call.abi)) {
        result.setup_failed = "the result is for another call";
        continue;
      }
      result.pid = j.at("pid").get<long>();
      if (j.contains("comm")) result.comm = j.at("comm").get<std::string>();
      result.session = j.at("ses").get<std::uint32_t>();
      result.auid = j.at("auid").get<std::uint32_t>();
      result.uid = j.at("uid").get<std::uint32_t>();
      result.euid = j.at("euid").get<std::uint32_t>();
      result.gid = j.at("gid").get<std::uint32_t>();
      result.cap_sys_module = j.at("cap_sys_module").get<bool>();
      result.exe = j.at("exe").get<std::string>();
      result.ret = j.at("ret").get<long>();
      result.error_number = j.at("errno").get<int>();
      result.error = j.at("error").get<std::string>();
      result.ran = true;
    } catch (const nlohmann::json::exception& e) {
      result.setup_failed = std::string("unreadable result: ") + e.what();
    }
  }
  for (std::size_t i = 0; i < calls.size(); ++i)
    if (!seen[i]) {
      results[i].setup_failed = "no result";
      results[i].raw = stray;
    }
  return results;
}

}  // namespace auditvm::scenario
