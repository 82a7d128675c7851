// The guest runner in real guests, both arches and both ABIs: each mechanic gives the outcome it
// is chosen for (call_for), the caller is who it should be, and the kernel treats the two login
// modes and the alternate executable as rules expect (a never,task rule on the login uid; an
// exe= rule on the copy).
#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <map>
#include <set>

#include "check/call_outcomes.hpp"
#include "image/builder.hpp"
#include "machine/machine.hpp"
#include "records/audit_log.hpp"
#include "rules/syscall_table.hpp"
#include "scenario/call_records.hpp"
#include "scenario/guest_calls.hpp"
#include "scenario/guest_commands.hpp"
#include "support/temp_dir.hpp"

namespace auditvm::scenario {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

class GuestCallsVmTest : public testing::TestWithParam<Arch> {
 protected:
  void SetUp() override {
    auto manifest = image::find_image(GetParam());
    ASSERT_TRUE(manifest) << "build the images first: auditvm image build --arch all";
    logs_ = test::make_temp_dir("guest-calls");
    machine::BootOptions boot;
    boot.console_log = logs_ / "console.log";
    boot.accel = machine::Accel::tcg;
    boot.extra_kernel_params = {"audit=1", "audit_backlog_limit=8192"};
    guest_ = machine::make_machine(*manifest, boot, {machine::Backend::qemu, ""});
    guest_->boot();
  }
  void TearDown() override {
    guest_.reset();
    fs::remove_all(logs_);
  }
  std::vector<CallResult> run(const std::vector<GuestCall>& calls) {
    auto result = guest_->run(calls_script(calls, guest_->manifest()), 600s);
    EXPECT_EQ(result.exit_status, 0) << result.out << result.err;
    return parse_call_results(result.out, calls);
  }
  void must(const std::string& script) {
    auto result = guest_->run(script, 120s);
    ASSERT_EQ(result.exit_status, 0) << script << ": " << result.out << result.err;
  }
  fs::path logs_;
  std::unique_ptr<machine::Machine> guest_;
};

std::string describe(const GuestCall& call) {
  return std::string(to_string(call.abi)) + " " + call.syscall + " uid " + std::to_string(call.uid) + " " +
         std::string(check::to_string(call.module_before)) + "/" + std::string(check::to_string(call.capability)) + "/" +
         std::string(check::to_string(call.argument)) + (call.alternate_exe ? " alternate" : "");
}

TEST_P(GuestCallsVmTest, EachMechanicGivesTheOutcomeItIsChosenFor) {
  // Every producible outcome, for root and for a plain user, on both ABIs, from both executables.
  std::vector<GuestCall> calls;
  std::vector<std::string> expected;
  for (Abi abi : all_abis())
    for (const auto& outcome : check::call_outcomes())
      for (std::uint32_t uid : {0U, 1000U}) {
        if (!outcome.syscall.ends_with("_module")) continue;  // file calls: the next test
        check::Event event;
        event.abi = abi;
        event.syscall = std::string(outcome.syscall);
        event.auid = 1000;
        event.uid = event.euid = event.gid = uid;
        event.success = outcome.error_number == 0;
        event.exit_code = event.success ? check::success_exit(event.syscall) : -outcome.error_number;
        event.login = calls.size() % 2 ? check::LoginMode::self : check::LoginMode::inherited;
        event.alternate_exe = calls.size() % 3 == 0;
        auto call = call_for(event, static_cast<int>(calls.size()));
        ASSERT_TRUE(call);
        calls.push_back(*call);
        expected.push_back(outcome.error_number == 0 ? "success" : std::to_string(outcome.error_number));
      }
  // What the ids alone give: a user cannot, root can.
  for (Abi abi : all_abis())
    for (std::uint32_t uid : {0U, 1000U}) {
      GuestCall natural;
      natural.id = static_cast<int>(calls.size());
      natural.abi = abi;
      natural.syscall = "finit_module";
      natural.auid = 1000;
      natural.uid = natural.euid = natural.gid = uid;
      natural.module_before = check::ModuleBefore::unloaded;
      calls.push_back(natural);
      expected.push_back(uid == 0 ? "success" : "1");
    }
  auto results = run(calls);
  ASSERT_EQ(results.size(), calls.size());
  // One caller process per identity (executable, login mode, login uid, ids, capabilities), each
  // call with its own mark.
  auto identity = [](const GuestCall& c) {
    return std::string(to_string(c.abi)) + (c.alternate_exe ? " alt " : " ") + std::string(to_string(c.login)) + " " + std::to_string(*c.auid) +
           " " + std::to_string(c.uid) + " " + std::to_string(c.euid) + " " + std::to_string(c.gid) + " " +
           std::string(check::to_string(c.capability));
  };
  std::map<std::string, std::set<long>> pids_of;
  std::map<long, std::set<std::string>> identities_of;
  std::set<std::string> marks;
  for (std::size_t i = 0; i < calls.size(); ++i) {
    const auto& call = calls[i];
    const auto& result = results[i];
    ASSERT_TRUE(result.ran) << describe(call) << ": " << result.setup_failed << " " << result.raw;
    EXPECT_EQ(result.ret == 0 ? "success" : std::to_string(result.error_number), expected[i]) << describe(call) << ": " << result.raw;
    bool sys_module = call.capability == check::Capability::keep || (call.capability == check::Capability::natural && call.euid == 0);
    EXPECT_EQ(result.cap_sys_module, sys_module) << describe(call) << ": " << result.raw;
    EXPECT_EQ(result.auid, 1000U) << result.raw;
    EXPECT_EQ(result.uid, call.uid) << result.raw;
    EXPECT_EQ(result.euid, call.euid) << result.raw;
    EXPECT_EQ(result.gid, call.gid) << result.raw;
    EXPECT_EQ(result.exe, call.alternate_exe ? alternate_helper_path(call.abi) : guest_->manifest().helpers.at(std::string(to_string(call.abi))))
        << result.raw;
    EXPECT_EQ(result.comm, "call-" + std::to_string(i)) << result.raw;
    pids_of[identity(call)].insert(result.pid);
    identities_of[result.pid].insert(identity(call));
    marks.insert(result.comm);
  }
  EXPECT_EQ(marks.size(), calls.size());
  for (const auto& [who, pids] : pids_of) EXPECT_EQ(pids.size(), 1U) << who;
  for (const auto& [pid, who] : identities_of) EXPECT_EQ(who.size(), 1U) << pid;
  // Each identity logged in once (one session id, as a user's commands), whichever login mode;
  // distinct identities are distinct logins.
  std::map<std::string, std::set<std::uint32_t>> sessions_of;
  std::set<std::uint32_t> sessions;
  for (std::size_t i = 0; i < calls.size(); ++i) {
    sessions_of[identity(calls[i])].insert(results[i].session);
    sessions.insert(results[i].session);
  }
  for (const auto& [who, ids] : sessions_of) EXPECT_EQ(ids.size(), 1U) << who;
  EXPECT_EQ(sessions.size(), sessions_of.size());
  // The alternate executables are copies: other inodes than the helpers.
  for (Abi abi : all_abis()) {
    const std::string main = guest_->manifest().helpers.at(std::string(to_string(abi))), copy = alternate_helper_path(abi);
    must("[ \"$(stat -L -c %d:%i " + main + ")\" != \"$(stat -c %d:%i " + copy + ")\" ] && cmp " + main + " " + copy);
  }
}

// Every file call's outcome (the STIG's syscall rules), as root and as a user, on each ABI that has
// the call: the runner's fixtures give it, the kernel records it as that call with that exit, and
// nothing of the fixtures is left after the batch.
TEST_P(GuestCallsVmTest, EachFileCallMechanicGivesItsOutcomeAndTheKernelRecordsIt) {
  const Arch arch = GetParam();
  std::map<Abi, std::set<std::string>> names;
  std::vector<GuestCall> calls;
  std::vector<check::CallOutcome> rows;
  for (Abi abi : all_abis())
    for (const auto& outcome : check::call_outcomes()) {
      std::string syscall(outcome.syscall);
      if (syscall.ends_with("_module") || !rules::syscall_number(arch, abi, syscall)) continue;
      names[abi].insert(syscall);
      for (std::uint32_t uid : {0U, 1000U}) {
        check::Event event;
        event.abi = abi;
        event.syscall = syscall;
        event.auid = 1000;
        event.uid = event.euid = event.gid = uid;
        event.success = outcome.error_number == 0;
        event.exit_code = event.success ? check::success_exit(syscall) : -outcome.error_number;
        event.login = calls.size() % 2 ? check::LoginMode::self : check::LoginMode::inherited;
        auto call = call_for(event, static_cast<int>(calls.size()));
        ASSERT_TRUE(call) << syscall;
        calls.push_back(*call);
        rows.push_back(outcome);
      }
    }
  // aarch64's b64 ABI has only the *at forms; arm compat has the old ones.
  EXPECT_EQ(names[Abi::b64].count("open"), arch == Arch::x86_64 ? 1U : 0U);
  EXPECT_EQ(names[Abi::b32].count("open"), 1U);
  std::string rules;
  for (const auto& [abi, set] : names) {
    std::string list;
    for (const auto& name : set) list += (list.empty() ? "" : ",") + name;
    rules += "auditctl -a always,exit -F arch=" + std::string(to_string(abi)) + " -S " + list + " -F auid=1000 -k files\n";
  }
  must("set -e\n" + rules);
  must(start_auditd_script());
  auto results = run(calls);
  must(sync_audit_log_script("auditvm-file-calls"));
  auto records = records::parse_audit_log(guest_->read_file(kAuditLog, 120s));
  for (std::size_t i = 0; i < calls.size(); ++i) {
    const auto& result = results[i];
    ASSERT_TRUE(result.ran) << describe(calls[i]) << ": " << result.setup_failed << " " << result.raw;
    EXPECT_EQ(result.succeeded() ? 0 : result.error_number, rows[i].error_number) << describe(calls[i]) << ": " << result.raw;
    EXPECT_EQ(result.uid, calls[i].uid) << result.raw;
    // What the model predicts with: an opening call's descriptor, every other call's 0.
    if (result.succeeded()) {
      EXPECT_EQ(result.ret, check::success_exit(calls[i].syscall)) << describe(calls[i]) << ": " << result.raw;
    }
    // The call's own record: the caller's opens of /proc before it have other exit values, its
    // other calls other marks.
    int found = 0;
    for (const auto* record : records_of(result, arch, calls[i].abi, calls[i].syscall, records))
      if (record->key == "files") {
        ++found;
        EXPECT_EQ(record->success, result.succeeded()) << record->text;
        EXPECT_EQ(record->auid, 1000U) << record->text;
      }
    EXPECT_EQ(found, 1) << describe(calls[i]) << ": " << result.raw;
  }
  auto left = guest_->run("ls -A /run/auditvm/fx; grep -c ' /run/auditvm/fx' /proc/mounts", 60s);
  EXPECT_EQ(left.out, "0\n") << "fixtures left after the batch";
}

TEST_P(GuestCallsVmTest, TheKernelSeesHowTheLoginUidWasSetAndWhichExecutableCalled) {
  GuestCall base;
  base.syscall = "finit_module";
  base.auid = 1005;
  base.capability = check::Capability::drop;  // EPERM: the module stays as it is
  // First a call from each copy: the harness makes them, and exe= rules need them to exist.
  std::vector<GuestCall> warm{base, base};
  warm[0].alternate_exe = warm[1].alternate_exe = true;
  warm[1].abi = Abi::b32;
  for (const auto& r : run(warm)) ASSERT_TRUE(r.ran) << r.raw;
  std::string rules = "auditctl -a never,task -F auid=1005\n";
  for (Abi abi : all_abis())
    rules += "auditctl -a never,exit -F arch=" + std::string(to_string(abi)) + " -S finit_module -F exe=" + alternate_helper_path(abi) + "\n";
  for (Abi abi : all_abis())
    rules += "auditctl -a always,exit -F arch=" + std::string(to_string(abi)) + " -S init_module,finit_module,delete_module -k runner\n";
  must("set -e\n" + rules);
  must(start_auditd_script());

  struct Case {
    check::LoginMode login;
    std::uint32_t auid;
    bool alternate;
    bool recorded;
  };
  const Case cases[] = {
      {check::LoginMode::inherited, 1005, false, false},  // forked after the login: the task rule switched auditing off
      {check::LoginMode::self, 1005, false, true},        // judged at fork as its parent: root, login uid unset
      {check::LoginMode::inherited, 1000, true, false},   // the copy: exe= never rule
      {check::LoginMode::inherited, 1000, false, true},
      {check::LoginMode::self, 1000, true, false},
  };
  // Each case twice in a row: identical calls of one caller process, each with its own record or none.
  std::vector<GuestCall> calls;
  std::vector<bool> recorded;
  for (Abi abi : all_abis())
    for (const auto& c : cases)
      for (int twice = 0; twice < 2; ++twice) {
        GuestCall call = base;
        call.id = static_cast<int>(calls.size());
        call.abi = abi;
        call.login = c.login;
        call.auid = c.auid;
        call.alternate_exe = c.alternate;
        calls.push_back(call);
        recorded.push_back(c.recorded);
      }
  auto results = run(calls);
  must(sync_audit_log_script("auditvm-guest-calls"));
  auto records = records::parse_audit_log(guest_->read_file(kAuditLog, 120s));
  for (std::size_t i = 0; i < calls.size(); ++i) {
    ASSERT_TRUE(results[i].ran) << results[i].raw;
    EXPECT_EQ(results[i].error, "EPERM") << results[i].raw;
    EXPECT_EQ(results[i].auid, *calls[i].auid) << results[i].raw;
    if (i % 2) EXPECT_EQ(results[i].pid, results[i - 1].pid) << "one caller process for both: " << results[i].raw;
    int found = 0;
    for (const auto* record : records_of(results[i], GetParam(), calls[i].abi, calls[i].syscall, records))
      if (record->key == "runner") {
        ++found;
        EXPECT_EQ(record->auid, *calls[i].auid) << record->text;
        EXPECT_EQ(record->exit, -EPERM) << record->text;
      }
    EXPECT_EQ(found, recorded[i] ? 1 : 0) << describe(calls[i]) << " login " << to_string(calls[i].login) << " auid " << *calls[i].auid
                                          << ": " << results[i].raw;
  }
  // And no record of these callers that is no call's: every one is counted above.
  std::set<long> pids;
  for (const auto& r : results) pids.insert(r.pid);
  const auto ours = std::count_if(records.begin(), records.end(), [&](const records::SyscallRecord& r) { return r.key == "runner" && pids.count(r.pid); });
  EXPECT_EQ(ours, std::count(recorded.begin(), recorded.end(), true));
}

INSTANTIATE_TEST_SUITE_P(Arches, GuestCallsVmTest, testing::Values(Arch::x86_64, Arch::aarch64),
                         [](const testing::TestParamInfo<Arch>& info) { return std::string(to_string(info.param)); });

}  // namespace
}  // namespace auditvm::scenario
