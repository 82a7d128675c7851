// The guest runner's calls: the mechanics chosen for each outcome, the script, and its results.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "check/witness.hpp"
#include "core/process.hpp"
#include "check/stig.hpp"
#include "scenario/guest_calls.hpp"

namespace auditvm::scenario {
namespace {

using check::Argument;
using check::Capability;
using check::ModuleBefore;

check::Event event(const std::string& syscall, int error_number) {
  check::Event e;
  e.abi = Abi::b32;
  e.syscall = syscall;
  e.auid = 1005;
  e.uid = 1000;
  e.euid = 0;
  e.gid = 100;
  e.success = error_number == 0;
  e.exit_code = -error_number;
  return e;
}

struct Mechanics {
  const char* syscall;
  int error_number;
  ModuleBefore before;
  Capability capability;
  Argument argument;
};

TEST(CallFor, EachOutcomeGetsTheMechanicsThatProduceIt) {
  const Mechanics expected[] = {
      {"init_module", 0, ModuleBefore::unloaded, Capability::keep, Argument::valid},
      {"finit_module", 0, ModuleBefore::unloaded, Capability::keep, Argument::valid},
      {"delete_module", 0, ModuleBefore::loaded, Capability::keep, Argument::valid},
      {"init_module", 1, ModuleBefore::as_is, Capability::drop, Argument::valid},
      {"finit_module", 1, ModuleBefore::as_is, Capability::drop, Argument::valid},
      {"delete_module", 1, ModuleBefore::as_is, Capability::drop, Argument::valid},
      {"init_module", 17, ModuleBefore::loaded, Capability::keep, Argument::valid},
      {"finit_module", 17, ModuleBefore::loaded, Capability::keep, Argument::valid},
      {"delete_module", 2, ModuleBefore::unloaded, Capability::keep, Argument::valid},
      {"finit_module", 9, ModuleBefore::as_is, Capability::keep, Argument::bad_fd},
      {"finit_module", 22, ModuleBefore::as_is, Capability::keep, Argument::bad_flags},
      {"init_module", 14, ModuleBefore::as_is, Capability::keep, Argument::bad_pointer},
      {"delete_module", 14, ModuleBefore::as_is, Capability::keep, Argument::bad_pointer},
      {"init_module", 8, ModuleBefore::as_is, Capability::keep, Argument::not_elf},
  };
  for (const auto& m : expected) {
    auto call = call_for(event(m.syscall, m.error_number), 41);
    ASSERT_TRUE(call) << m.syscall << " " << m.error_number;
    EXPECT_EQ(call->module_before, m.before) << m.syscall << " " << m.error_number;
    EXPECT_EQ(call->capability, m.capability) << m.syscall << " " << m.error_number;
    EXPECT_EQ(call->argument, m.argument) << m.syscall << " " << m.error_number;
  }
  std::size_t module_rows = 0;
  for (const auto& row : check::call_outcomes()) module_rows += row.syscall.ends_with("_module");
  EXPECT_EQ(module_rows, std::size(expected));
}

// Every syscall a shipped STIG coverage rule names has the outcomes that rule requires (success
// where it requires successes; EACCES and EPERM, the failures the STIG's own texts name), but for
// the three the kernel cannot give EACCES without an LSM. File calls get fixtures, not module state.
TEST(CallFor, EveryStigSyscallHasTheOutcomesItsRuleRequires) {
  const std::set<std::pair<std::string, int>> not_producible{{"ftruncate", 13}, {"fchown", 13}, {"fchmod", 13}};
  int checked = 0;
  for (const auto& rule : check::coverage_rules_for("all"))
    for (const auto& required : rule.required)
      for (const auto& syscall : required.syscalls) {
        // V-268091's execve: a success only (a failed exec raises no id), of a copy of the helper
        // whose set-id bits give the ids the event has at its exit.
        if (syscall == "execve") {
          auto raised = event(syscall.c_str(), 0);
          raised.uid = 1000;
          raised.euid = 0;
          auto call = call_for(raised, 0);
          ASSERT_TRUE(call);
          EXPECT_EQ(call->path, "/opt/auditvm/exec/setuid");
          EXPECT_EQ(call->uid, 1000U);
          EXPECT_EQ(call->euid, 1000U);  // before the exec
          auto setgid = event(syscall.c_str(), 0);
          setgid.euid = setgid.uid;
          setgid.gid = 1000;
          setgid.egid = 0;
          ASSERT_TRUE(call_for(setgid, 0));
          EXPECT_EQ(call_for(setgid, 0)->path, "/opt/auditvm/exec/setgid");
          auto plain = setgid;
          plain.egid.reset();
          EXPECT_EQ(call_for(plain, 0)->path, "/opt/auditvm/exec/plain");
          EXPECT_FALSE(call_for(event(syscall.c_str(), 13), 0));
          checked++;
          continue;
        }
        std::vector<int> outcomes;
        if (required.successes) outcomes.push_back(0);
        if (required.failures) outcomes.insert(outcomes.end(), {13, 1});
        for (int error_number : outcomes) {
          if (syscall.ends_with("_module") && error_number == 13) continue;  // module calls fail with EPERM, never EACCES
          if (not_producible.count({syscall, error_number})) {
            EXPECT_FALSE(call_for(event(syscall.c_str(), error_number), 0)) << syscall << " " << error_number;
            continue;
          }
          auto call = call_for(event(syscall.c_str(), error_number), 0);
          ASSERT_TRUE(call) << rule.group_id << " " << syscall << " " << error_number;
          if (!syscall.ends_with("_module")) {
            EXPECT_EQ(call->module_before, ModuleBefore::as_is) << syscall;
          }
          // A failure arises from modes and ownership: the caller holds no capability that bypasses them.
          if (error_number && syscall != "open_by_handle_at") {
            EXPECT_EQ(call->capability, Capability::drop) << syscall << " " << error_number;
          }
          checked++;
        }
      }
  EXPECT_GT(checked, 70);
}

TEST(CallFor, TheCallIsTheEventsCaller) {
  auto e = event("finit_module", 1);
  e.login = check::LoginMode::self;
  e.alternate_exe = true;
  auto call = call_for(e, 41);
  ASSERT_TRUE(call);
  EXPECT_EQ(call->id, 41);
  EXPECT_EQ(call->abi, Abi::b32);
  EXPECT_EQ(call->syscall, "finit_module");
  EXPECT_EQ(call->login, check::LoginMode::self);
  EXPECT_EQ(call->auid, 1005U);
  EXPECT_EQ(call->uid, 1000U);
  EXPECT_EQ(call->euid, 0U);
  EXPECT_EQ(call->gid, 100U);
  EXPECT_TRUE(call->alternate_exe);
  e.auid = rules::kUnsetId;
  EXPECT_EQ(call_for(e, 1)->auid, std::nullopt);  // unset: the runner's own login uid
}

TEST(CallFor, OutcomesTheRunnerCannotProduceGetNone) {
  EXPECT_FALSE(call_for(event("finit_module", 2), 0));   // ENOENT: the module file is the runner's
  EXPECT_FALSE(call_for(event("init_module", 9), 0));    // EBADF: init_module takes no descriptor
  EXPECT_FALSE(call_for(event("delete_module", 17), 0));
  EXPECT_FALSE(call_for(event("ftruncate", 13), 0));  // EACCES: no permission check on a descriptor
  EXPECT_FALSE(call_for(event("open", 2), 0));
  auto descriptor = event("open", 0);
  descriptor.exit_code = 3;  // a witness asks for success as 0, whatever the call returns then
  EXPECT_FALSE(call_for(descriptor, 0));
  auto inconsistent = event("init_module", 0);
  inconsistent.exit_code = -1;  // "success" with an error
  EXPECT_FALSE(call_for(inconsistent, 0));
  for (auto field : {&check::Event::uid, &check::Event::euid, &check::Event::gid}) {
    auto e = event("init_module", 0);
    e.*field = rules::kUnsetId;  // setresuid/setresgid read -1 as "unchanged"
    EXPECT_FALSE(call_for(e, 0));
  }
}

TEST(CallFor, AgreesWithWhatTheWitnessChooserIsToldIsFeasible) {
  for (const char* syscall : {"init_module", "finit_module", "delete_module", "openat", "ftruncate", "setxattr", "execve"})
    for (int error_number = 0; error_number < 40; ++error_number)
      for (std::uint32_t uid : {0U, 1000U, rules::kUnsetId}) {
        auto e = event(syscall, error_number);
        e.uid = uid;
        EXPECT_EQ(call_for(e, 0).has_value(), check::call_outcome_feasible(e)) << syscall << " " << error_number << " " << uid;
      }
}

image::Manifest manifest_with(const std::string& b64, const std::string& b32) {
  image::Manifest m;
  m.helpers = {{"b64", b64}, {"b32", b32}};
  m.module_path = "/lib/modules/auditvm/nls_ascii.ko";
  m.module_name = "nls_ascii";
  return m;
}

GuestCall plain(int id, Abi abi, const std::string& syscall) {
  GuestCall call;
  call.id = id;
  call.abi = abi;
  call.syscall = syscall;
  return call;
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(CallsScript, OneRunnerStartsOneProcessPerOtherExecutableUsed) {
  auto m = manifest_with("/opt/auditvm/modhelper-b64", "/opt/auditvm/modhelper-b32");
  std::vector<GuestCall> calls{plain(7, Abi::b64, "finit_module"), plain(3, Abi::b64, "delete_module")};
  auto script = calls_script(calls, m);
  EXPECT_EQ(count(script, "--batch"), 1U) << script;
  EXPECT_EQ(count(script, "--runner"), 0U) << script;  // all b64 from the main helper: the driver makes them
  EXPECT_EQ(count(script, "cp "), 0U) << script;

  calls.push_back(plain(9, Abi::b32, "init_module"));
  calls.back().alternate_exe = true;
  calls.push_back(plain(10, Abi::b32, "init_module"));
  script = calls_script(calls, m);
  EXPECT_EQ(count(script, "--batch"), 1U) << script;
  EXPECT_NE(script.find("--runner $'b32=/opt/auditvm/modhelper-b32'"), std::string::npos) << script;
  EXPECT_NE(script.find("--runner $'b32-alt=" + alternate_helper_path(Abi::b32) + "'"), std::string::npos) << script;
  EXPECT_EQ(count(script, "b64-alt"), 0U) << script;
  // The copy is made from the same ABI's helper, as a new file (its own inode).
  EXPECT_NE(script.find("cp $'/opt/auditvm/modhelper-b32' $'" + alternate_helper_path(Abi::b32) + ".new'"), std::string::npos) << script;
  EXPECT_EQ(calls_script({}, m), ":\n");
}

// The script with the host's own x86_64 helpers (built with the project) in a private directory:
// the module calls themselves fail here (a container, no module), but the runner, the order, the
// executables and the parsing are the real ones.
TEST(CallsScript, RunsEveryCallInOrderFromTheExecutableAsked) {
  if (::geteuid() != 0) GTEST_SKIP() << "the runner sets the callers' groups: it runs as root";
  if (std::ifstream("/proc/self/loginuid").good()) {
    std::string auid;
    std::ifstream("/proc/self/loginuid") >> auid;
    if (auid != "4294967295") GTEST_SKIP() << "the runner needs an unset login uid (this process has " << auid << ")";
  }
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("auditvm-calls-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::string helpers = AUDITVM_MODHELPER_DIR;
  auto m = manifest_with(helpers + "/modhelper-x86_64-b64", helpers + "/modhelper-x86_64-b32");
  m.module_path = (dir / "no-module.ko").string();
  std::ofstream(m.module_path) << "not a module\n";
  std::uint32_t uid = ::getuid(), gid = ::getgid();
  std::vector<GuestCall> calls;
  for (int i = 0; i < 6; ++i) {
    GuestCall call = plain(100 - i, Abi::b64, i % 2 ? "delete_module" : "finit_module");
    call.uid = call.euid = uid;
    call.gid = gid;
    call.alternate_exe = i >= 3;
    call.login = i % 3 ? check::LoginMode::inherited : check::LoginMode::self;
    call.capability = i == 1 ? Capability::drop : Capability::natural;
    calls.push_back(call);
  }
  std::string script = calls_script(calls, m);
  for (auto at = script.find("/run/auditvm"); at != std::string::npos; at = script.find("/run/auditvm", at))
    script.replace(at, 12, dir.string());
  auto run = run_process({"bash", "-c", script});
  ASSERT_EQ(run.exit_code, 0) << run.err << run.out;
  auto results = parse_call_results(run.out, calls);
  ASSERT_EQ(results.size(), calls.size());
  std::set<long> pids;
  for (std::size_t i = 0; i < calls.size(); ++i) {
    EXPECT_EQ(results[i].id, calls[i].id);
    ASSERT_TRUE(results[i].ran) << results[i].setup_failed << ": " << results[i].raw;
    EXPECT_EQ(results[i].uid, uid);
    EXPECT_EQ(results[i].euid, uid);
    EXPECT_EQ(results[i].gid, gid);
    EXPECT_EQ(results[i].auid, rules::kUnsetId);
    EXPECT_EQ(results[i].exe, i >= 3 ? (dir / "alternate/modhelper-b64").string() : m.helpers["b64"]) << results[i].raw;
    EXPECT_NE(results[i].ret, 0);  // no module can be loaded from this file
    EXPECT_EQ(results[i].comm, "call-" + std::to_string(i)) << results[i].raw;  // each call's mark, whatever its process
    pids.insert(results[i].pid);
  }
  EXPECT_FALSE(results[1].cap_sys_module);  // dropped
  // A caller process per identity: the last two calls are the alternate copy's, inherited, natural.
  EXPECT_EQ(results[4].pid, results[5].pid);
  EXPECT_EQ(pids.size(), calls.size() - 1);
  EXPECT_NE(fs::status(dir / "alternate/modhelper-b64").permissions() & fs::perms::owner_exec, fs::perms::none);
  EXPECT_NE(fs::hard_link_count(dir / "alternate/modhelper-b64"), 2U);
  fs::remove_all(dir);
}

std::vector<GuestCall> three_calls() {
  return {plain(10, Abi::b64, "finit_module"), plain(11, Abi::b32, "init_module"), plain(12, Abi::b64, "delete_module")};
}

std::string line(int position, const std::string& syscall, const std::string& abi, int pid, int ret, int error_number, const std::string& error) {
  return "{\"id\":" + std::to_string(position) + ",\"syscall\":\"" + syscall + "\",\"abi\":\"" + abi + "\",\"pid\":" + std::to_string(pid) +
         ",\"comm\":\"call-" + std::to_string(position) + "\",\"ses\":7,\"auid\":1000,\"uid\":1000,\"euid\":0,\"gid\":100,\"cap_sys_module\":true,\"exe\":\"/opt/auditvm/modhelper-" + abi +
         "\",\"ret\":" + std::to_string(ret) + ",\"errno\":" + std::to_string(error_number) + ",\"error\":\"" + error + "\"}\n";
}

TEST(CallResults, ComeBackInTheCallsOrderWithTheirIds) {
  std::string out = line(2, "delete_module", "b64", 303, -1, 2, "ENOENT") + "kernel noise\n" + line(0, "finit_module", "b64", 301, 0, 0, "") +
                    line(1, "init_module", "b32", 302, -1, 17, "EEXIST");
  auto results = parse_call_results(out, three_calls());
  ASSERT_EQ(results.size(), 3U);
  EXPECT_EQ(results[0].id, 10);
  EXPECT_TRUE(results[0].ran);
  EXPECT_EQ(results[0].pid, 301);
  EXPECT_EQ(results[0].comm, "call-0");
  EXPECT_EQ(results[0].ret, 0);
  EXPECT_EQ(results[1].error, "EEXIST");
  EXPECT_EQ(results[1].error_number, 17);
  EXPECT_EQ(results[1].euid, 0U);
  EXPECT_EQ(results[1].uid, 1000U);
  EXPECT_EQ(results[1].session, 7U);
  EXPECT_EQ(results[1].exe, "/opt/auditvm/modhelper-b32");
  EXPECT_EQ(results[2].id, 12);
  EXPECT_EQ(results[2].error, "ENOENT");
}

TEST(CallResults, ASetupFailureOrAMissingLineIsNamedNeverSkipped) {
  std::string out = "{\"id\":0,\"abi\":\"b64\",\"setup_failed\":\"setresuid\",\"errno\":1,\"error\":\"EPERM\"}\n" +
                    line(1, "finit_module", "b32", 302, 0, 0, "") +  // the wrong call's line
                    "{\"abi\":\"b64\",\"usage\":\"fewer than 11 fields\",\"detail\":\"line 4\"}\n";
  auto results = parse_call_results(out, three_calls());
  EXPECT_FALSE(results[0].ran);
  EXPECT_EQ(results[0].setup_failed, "setresuid");
  EXPECT_FALSE(results[1].ran);
  EXPECT_EQ(results[1].setup_failed, "the result is for another call");
  EXPECT_FALSE(results[2].ran);
  EXPECT_EQ(results[2].setup_failed, "no result");
  EXPECT_NE(results[2].raw.find("fewer than 11 fields"), std::string::npos) << results[2].raw;
  // A second line for the same call is not taken for it.
  auto twice = parse_call_results(line(0, "finit_module", "b64", 301, 0, 0, "") + line(0, "finit_module", "b64", 999, 0, 0, ""), three_calls());
  EXPECT_EQ(twice[0].pid, 301);
}

}  // namespace
}  // namespace auditvm::scenario
