// Records matched to calls when one caller process makes many calls (guest/modhelper's sessions):
// by the pid and the mark each call carries (its comm), so a record that is missing or extra is
// attributed to exactly its call, even between identical calls of one process.
#include <gtest/gtest.h>

#include <cerrno>

#include "rules/syscall_table.hpp"
#include "scenario/call_records.hpp"
#include "scenario/evidence.hpp"

namespace auditvm::scenario {
namespace {

constexpr long kPid = 300;

CallResult call(int id, std::int64_t exit_code, long pid = kPid) {
  CallResult c;
  c.id = id;
  c.ran = true;
  c.pid = pid;
  c.comm = "call-" + std::to_string(id);
  c.auid = 1000;
  c.ret = exit_code >= 0 ? exit_code : -1;
  c.error_number = exit_code >= 0 ? 0 : static_cast<int>(-exit_code);
  c.error = exit_code == -EPERM ? "EPERM" : exit_code == -EEXIST ? "EEXIST" : "";
  c.raw = "{...}";
  return c;
}

records::SyscallRecord record(const std::string& comm, std::int64_t exit_code, const std::string& syscall = "finit_module", long pid = kPid,
                              Abi abi = Abi::b64) {
  records::SyscallRecord r;
  r.arch = audit_arch_value(Arch::x86_64, abi);
  r.syscall = *rules::syscall_number(Arch::x86_64, abi, syscall);
  r.pid = pid;
  r.comm = comm;
  r.auid = 1000;
  r.success = exit_code >= 0;
  r.exit = exit_code;
  r.key = "m";
  r.text = "type=SYSCALL pid=" + std::to_string(pid) + " comm=\"" + comm + "\"";
  return r;
}

std::size_t count(const CallResult& c, const std::vector<records::SyscallRecord>& records, const std::string& syscall = "finit_module",
                  Abi abi = Abi::b64) {
  return records_of(c, Arch::x86_64, abi, syscall, records).size();
}

TEST(CallRecords, TwoIdenticalCallsOfOneProcessTheFirstRecorded) {
  const auto first = call(7, -EPERM), second = call(8, -EPERM);
  const std::vector<records::SyscallRecord> records{record("call-7", -EPERM)};
  EXPECT_EQ(count(first, records), 1U);
  EXPECT_EQ(count(second, records), 0U);
}

TEST(CallRecords, TwoIdenticalCallsOfOneProcessTheSecondRecorded) {
  const auto first = call(7, -EPERM), second = call(8, -EPERM);
  const std::vector<records::SyscallRecord> records{record("call-8", -EPERM)};
  EXPECT_EQ(count(first, records), 0U);
  EXPECT_EQ(count(second, records), 1U);
}

TEST(CallRecords, AnExtraRecordIsAttributedToItsOwnCall) {
  const auto first = call(7, 0), second = call(8, 0), third = call(9, 0);
  const std::vector<records::SyscallRecord> records{record("call-7", 0), record("call-8", 0), record("call-8", 0), record("call-9", 0)};
  EXPECT_EQ(count(first, records), 1U);
  EXPECT_EQ(count(second, records), 2U);
  EXPECT_EQ(count(third, records), 1U);
}

TEST(CallRecords, TheMarkAloneIsNotEnoughNorThePidAlone) {
  const auto c = call(7, -EPERM);
  // Another process with the same mark (an earlier batch's caller), this process unmarked (its
  // login before any call), another call, another exit (its own opens of /proc), the other ABI.
  const std::vector<records::SyscallRecord> records{record("call-7", -EPERM, "finit_module", kPid + 1), record("modhelper-b64", -EPERM),
                                                    record("call-7", -EPERM, "init_module"), record("call-7", 3),
                                                    record("call-7", -EPERM, "finit_module", kPid, Abi::b32)};
  EXPECT_EQ(count(c, records), 0U);
}

TEST(CallRecords, AnOpenIsToldFromTheCallersOwnOpensByItsDescriptor) {
  const auto open = call(3, 64);
  const std::vector<records::SyscallRecord> records{record("call-3", 3, "openat"), record("call-3", 4, "openat"), record("call-3", 64, "openat")};
  EXPECT_EQ(count(open, records, "openat"), 1U);
}

TEST(CallRecords, AnExecdChildIsNamedByItsPidAlone) {
  // execve: the child that exec'd is a process of its own, its comm the program's.
  auto exec = call(5, 0, kPid + 10);
  exec.comm.clear();
  const std::vector<records::SyscallRecord> records{record("setuid", 0, "execve", kPid + 10), record("call-5", 0, "execve", kPid)};
  ASSERT_EQ(count(exec, records, "execve"), 1U);
  EXPECT_EQ(records_of(exec, Arch::x86_64, Abi::b64, "execve", records).front()->comm, "setuid");
}

TEST(CallRecords, ACallNotMadeHasNoRecords) {
  auto c = call(7, -EPERM);
  c.ran = false;
  EXPECT_EQ(count(c, {record("call-7", -EPERM)}), 0U);
}

check::Witness witness(bool predicted_record) {
  check::Witness w;
  w.event.abi = Abi::b64;
  w.event.syscall = "finit_module";
  w.event.auid = 1000;
  w.event.success = false;
  w.event.exit_code = -EPERM;
  w.expected.fate = predicted_record ? check::Fate::recorded : check::Fate::no_rule;
  w.expected.key = predicted_record ? "m" : "";
  w.required = true;
  w.region = "r";
  return w;
}

TEST(CallRecords, TheWitnessesOfIdenticalCallsEachGetTheirOwnRecord) {
  // Both predicted recorded; the kernel recorded the second only: the first is the model mismatch
  // (and the gap), not the second.
  const std::vector<check::Witness> witnesses{witness(true), witness(true)};
  auto judged = judge_witnesses(witnesses, 1, Arch::x86_64, {call(0, -EPERM), call(1, -EPERM)}, {record("call-1", -EPERM)});
  ASSERT_EQ(judged.rows.size(), 2U);
  EXPECT_FALSE(judged.rows[0].held());
  EXPECT_TRUE(judged.rows[1].held());
  EXPECT_EQ(judged.rows[1].records.size(), 1U);
  ASSERT_EQ(judged.failures.size(), 1U);
  EXPECT_NE(judged.failures.front().find("event #1"), std::string::npos) << judged.failures.front();
  EXPECT_EQ(judged.kernel_verdict, check::Verdict::Open);
}

TEST(CallRecords, AnExtraRecordForOneOfTwoIdenticalCallsIsThatCallsFailure) {
  // Neither predicted recorded; one record of the first: the first fails, the second holds.
  const std::vector<check::Witness> witnesses{witness(false), witness(false)};
  auto judged = judge_witnesses(witnesses, 1, Arch::x86_64, {call(0, -EPERM), call(1, -EPERM)}, {record("call-0", -EPERM)});
  ASSERT_EQ(judged.rows.size(), 2U);
  EXPECT_FALSE(judged.rows[0].held());
  EXPECT_TRUE(judged.rows[1].held());
  ASSERT_EQ(judged.failures.size(), 1U);
  EXPECT_NE(judged.failures.front().find("event #1"), std::string::npos) << judged.failures.front();
}

}  // namespace
}  // namespace auditvm::scenario
