#include <gtest/gtest.h>

#include <cerrno>

#include "check/stig.hpp"
#include "rules/parser.hpp"
#include "rules/syscall_table.hpp"
#include "scenario/evidence.hpp"

namespace auditvm::scenario {
namespace {

check::Witness witness(std::uint32_t auid, std::int64_t exit_code, bool predicted_record, bool required = true) {
  check::Witness w;
  w.event.abi = Abi::b64;
  w.event.syscall = "finit_module";
  w.event.auid = auid;
  w.event.success = exit_code == 0;
  w.event.exit_code = exit_code;
  w.expected.fate = predicted_record ? check::Fate::recorded : check::Fate::no_rule;
  w.expected.key = predicted_record ? "m" : "";
  w.required = required;
  w.region = predicted_record ? "covered" : "uncovered";
  return w;
}

CallResult made(long pid, std::uint32_t auid, std::int64_t exit_code) {
  CallResult call;
  call.ran = true;
  call.pid = pid;
  call.auid = auid;
  call.ret = exit_code == 0 ? 0 : -1;
  call.error_number = static_cast<int>(-exit_code);
  call.error = exit_code == 0 ? "" : exit_code == -EPERM ? "EPERM" : "EEXIST";
  call.raw = "{...}";
  return call;
}

records::SyscallRecord record_of(long pid, std::uint32_t auid, std::int64_t exit_code) {
  records::SyscallRecord r;
  r.arch = audit_arch_value(Arch::x86_64, Abi::b64);
  r.syscall = *rules::syscall_number(Arch::x86_64, Abi::b64, "finit_module");
  r.pid = pid;
  r.auid = auid;
  r.success = exit_code == 0;
  r.exit = exit_code;
  r.key = "m";
  r.text = "type=SYSCALL pid=" + std::to_string(pid);
  return r;
}

TEST(WitnessEvidence, AGapConfirmedByTheKernelIsOpenAndEveryPredictionHolds) {
  auto judged = judge_witnesses({witness(1000, 0, true), witness(1005, -EPERM, false)}, 66, Arch::x86_64,
                                {made(10, 1000, 0), made(11, 1005, -EPERM)}, {record_of(10, 1000, 0)});
  ASSERT_EQ(judged.rows.size(), 2U);
  EXPECT_EQ(judged.kernel_verdict, check::Verdict::Open);
  EXPECT_TRUE(judged.failures.empty()) << judged.failures.front();
  EXPECT_TRUE(judged.rows[0].held());
  EXPECT_TRUE(judged.rows[1].held());
  EXPECT_EQ(judged.rows[1].text(), "b64 finit_module, auid 1005, uid 0, EPERM: no record, event #67");
}

TEST(WitnessEvidence, ARecordTheModelDidNotPredictIsAFailureAndTheKernelSaysNotAFinding) {
  auto judged = judge_witnesses({witness(1005, -EPERM, false)}, 0, Arch::x86_64, {made(11, 1005, -EPERM)}, {record_of(11, 1005, -EPERM)});
  EXPECT_EQ(judged.kernel_verdict, check::Verdict::NotAFinding);
  ASSERT_EQ(judged.failures.size(), 1U);
  EXPECT_NE(judged.failures[0].find("the model predicted no record"), std::string::npos) << judged.failures[0];
}

TEST(WitnessEvidence, OnlyWitnessesMadeAsAskedDecideTheKernelVerdict) {
  // Asked for success, got EEXIST: it says nothing about the success region.
  auto judged = judge_witnesses({witness(1000, 0, true)}, 0, Arch::x86_64, {made(10, 1000, -EEXIST)}, {});
  EXPECT_FALSE(judged.kernel_verdict);
  EXPECT_TRUE(judged.failures.empty());
  ASSERT_EQ(judged.not_made.size(), 1U);
  EXPECT_NE(judged.not_made[0].find("returned EEXIST"), std::string::npos) << judged.not_made[0];
  // Not required (outside the required set): never decides the verdict.
  auto outside = judge_witnesses({witness(4294967295U, 0, false, false)}, 0, Arch::x86_64, {made(10, 4294967295U, 0)}, {});
  EXPECT_FALSE(outside.kernel_verdict);
  EXPECT_TRUE(outside.failures.empty());
  // Never made at all.
  auto missing = judge_witnesses({witness(1000, 0, true)}, 0, Arch::x86_64, {}, {});
  EXPECT_FALSE(missing.kernel_verdict);
  EXPECT_NE(missing.not_made.at(0).find("not made, event #0: no output"), std::string::npos) << missing.not_made[0];
}

TEST(WitnessEvidence, ARecordWithOtherFieldsThanTheCallIsAFailure) {
  auto wrong_key = record_of(10, 1000, 0);
  wrong_key.key = "other";
  auto judged = judge_witnesses({witness(1000, 0, true)}, 0, Arch::x86_64, {made(10, 1000, 0)}, {wrong_key});
  ASSERT_EQ(judged.failures.size(), 1U);
  EXPECT_NE(judged.failures[0].find("fields differ"), std::string::npos);
}


// An opening call asked to succeed with the runner's descriptor: another descriptor is another
// event (the model judged exit=64), so it is not made as asked and decides nothing.
TEST(WitnessEvidence, AnOpenWithAnotherDescriptorThanAskedIsNotMadeAsAsked) {
  check::Witness w = witness(1000, 0, true);
  w.event.syscall = "openat";
  w.event.exit_code = 64;
  CallResult call = made(10, 1000, 0);
  call.ret = 3;
  auto judged = judge_witnesses({w}, 0, Arch::x86_64, {call}, {});
  EXPECT_FALSE(judged.kernel_verdict);
  ASSERT_EQ(judged.not_made.size(), 1U);
  EXPECT_NE(judged.not_made[0].find("returned success with exit 3"), std::string::npos) << judged.not_made[0];
  call.ret = 64;
  EXPECT_TRUE(judge_witnesses({w}, 0, Arch::x86_64, {call}, {}).not_made.empty());
}

}  // namespace
}  // namespace auditvm::scenario
