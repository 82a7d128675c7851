#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "records/audit_log.hpp"

namespace auditvm::records {
namespace {

std::string read(const std::string& name) {
  std::ifstream in(std::string(AUDITVM_TEST_DATA) + "/" + name);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(AuditLog, ParsesARealGuestLog) {
  // Captured from the x86_64 guest running the STIG fix (tests/unit/records/data).
  auto records = parse_audit_log(read("x86_64-stig-fix.audit.log"));
  ASSERT_FALSE(records.empty());
  auto finit = std::find_if(records.begin(), records.end(), [](const SyscallRecord& r) { return r.pid == 215 && r.syscall == 313; });
  ASSERT_NE(finit, records.end());
  EXPECT_EQ(finit->arch, 0xc000003eU);
  EXPECT_TRUE(finit->success);
  EXPECT_EQ(finit->exit, 0);
  EXPECT_EQ(finit->auid, 1000U);
  EXPECT_EQ(finit->uid, 0U);
  EXPECT_EQ(finit->key, "module_chng");
  EXPECT_EQ(finit->module_name, "nls_ascii");  // the KERN_MODULE record of the same event
}

TEST(AuditLog, ReadsB32FailuresAndNullKeys) {
  auto records = parse_audit_log(
      "type=SYSCALL msg=audit(1795583923.564:40): arch=40000028 syscall=128 success=no exit=-1 a0=1 a1=2 a2=3 a3=0 items=0 ppid=1 "
      "pid=300 auid=1000 uid=1000 gid=1000 euid=1000 suid=1000 fsuid=1000 egid=1000 sgid=1000 fsgid=1000 tty=(none) ses=7 "
      "comm=\"modhelper-b32\" exe=\"/opt/auditvm/modhelper-b32\" key=(null)\n");
  ASSERT_EQ(records.size(), 1U);
  EXPECT_EQ(records[0].arch, 0x40000028U);
  EXPECT_FALSE(records[0].success);
  EXPECT_EQ(records[0].exit, -1);
  EXPECT_EQ(records[0].ses, 7U);
  EXPECT_EQ(records[0].comm, "modhelper-b32");
  EXPECT_EQ(records[0].key, "");
}

TEST(AuditLog, ReadsTheCommTheGuestRunnerMarksACallWith) {
  // The guest runner names each call's caller "call-ID" just before the call (guest/modhelper).
  auto records = parse_audit_log(
      "type=SYSCALL msg=audit(1795583923.564:40): arch=c000003e syscall=313 success=no exit=-1 a0=3 a1=4 a2=0 a3=0 items=0 ppid=9 "
      "pid=300 auid=1000 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=7 comm=\"call-4711\" "
      "exe=\"/opt/auditvm/modhelper-b64\" key=\"module_chng\"\n");
  ASSERT_EQ(records.size(), 1U);
  EXPECT_EQ(records[0].comm, "call-4711");
}

TEST(AuditLog, KernelLogLinesBecomeAuditdLines) {
  std::string dmesg =
      "[    3.100000] random: crng init done\n"
      "[    4.200000] audit: type=1300 audit(1795583923.600:41): arch=c00000b7 syscall=273 success=yes exit=0 a0=3 a1=1 a2=0 a3=0 "
      "items=0 ppid=1 pid=310 auid=1000 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=8 comm=\"m\" "
      "exe=\"/m\" key=\"module_chng\"\n"
      "[    4.200100] audit: type=1334 audit(1795583923.600:41): prog-id=1 op=LOAD\n";
  auto converted = kernel_log_to_audit_log(dmesg);
  EXPECT_EQ(converted.rfind("type=SYSCALL msg=audit(1795583923.600:41): arch=c00000b7", 0), 0U) << converted;
  auto records = parse_audit_log(converted);
  ASSERT_EQ(records.size(), 1U);
  EXPECT_EQ(records[0].syscall, 273);
  EXPECT_EQ(records[0].pid, 310);
}

}  // namespace
}  // namespace auditvm::records
