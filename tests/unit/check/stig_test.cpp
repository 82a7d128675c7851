#include <gtest/gtest.h>

#include <fstream>

#include "check/stig.hpp"
#include "core/errors.hpp"
#include "support/temp_dir.hpp"

namespace auditvm::check {
namespace {

class StigFile : public test::TempDirTest {
 protected:
  std::filesystem::path write(const std::string& syscalls) {
    auto file = dir_ / "V-1.json";
    std::ofstream(file) << R"({"group_id": "V-1", "rule_id": "SV-1r1_rule", "stig_id": "ANIX-00-000001", "srg_id": "SRG-OS-000001-GPOS-00001",
      "severity": "medium", "title": "t", "check_text": "c", "fix_text": "f", "release": "V1R1", "release_date": "2024-10-25",
      "source": ["a test"], "unavailable": ["ccis", "discussion"], "literal_rules": [],
      "required": [{"abis": ["b32", "b64"], "syscalls": )" << syscalls << R"(, "auid": [[1000, 4294967294]]}]})";
    return file;
  }
};

// An unknown syscall used to be skipped as "does not exist on this ABI": NotAFinding for nothing.
TEST_F(StigFile, AnUnknownSyscallIsRejectedNamingFileAndField) {
  auto file = write(R"(["init_module", "init_modul"])");
  try {
    load_stig_rule(file);
    FAIL() << "accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().file, file.string());
    EXPECT_EQ(e.where().field, "/required/0/syscalls/1");
    EXPECT_NE(e.detail().find("init_modul"), std::string::npos);
  }
  // A syscall one arch lacks (rename on aarch64) is data, not an error.
  EXPECT_NO_THROW(load_stig_rule(write(R"(["rename"])")));
}

TEST(StigIds, OnlyGroupIdsNameShippedRulesNoPaths) {
  EXPECT_EQ(find_stig_rule("V-268096").group_id, "V-268096");
  for (const char* id : {"../../x", "../stig/V-268096", "V-268096.json", "/etc/passwd", "", "v-268096", "V-"})
    EXPECT_THROW(find_stig_rule(id), InputError) << id;
}

}  // namespace
}  // namespace auditvm::check
