#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <sstream>

#include "core/errors.hpp"
#include "core/write_file.hpp"
#include "support/file_size_limit.hpp"
#include "support/temp_dir.hpp"

namespace auditvm {
namespace {

namespace fs = std::filesystem;

class WriteFileTest : public test::TempDirTest {
 protected:
  WriteFileTest() : TempDirTest("write-file") {}
  std::string read(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }
  std::vector<std::string> entries() {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir_)) names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }
};

TEST_F(WriteFileTest, WritesAndReplacesTheWholeFileAndLeavesNoTemporary) {
  write_file_atomic(dir_ / "result.json", "first\n");
  write_file_atomic(dir_ / "result.json", std::string(100000, 'x'));
  EXPECT_EQ(read(dir_ / "result.json"), std::string(100000, 'x'));
  EXPECT_EQ(entries(), std::vector<std::string>{"result.json"});
}

TEST_F(WriteFileTest, AFailedWriteNamesThePathKeepsTheOldFileAndLeavesNoTemporary) {
  write_file_atomic(dir_ / "junit.xml", "old");
  try {
    test::FileSizeLimit limit(16);
    write_file_atomic(dir_ / "junit.xml", std::string(4096, 'x'));
    FAIL() << "a write past the file size limit was reported as written";
  } catch (const InfraError& e) {
    EXPECT_NE(std::string(e.what()).find((dir_ / "junit.xml").string()), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("File too large"), std::string::npos) << e.what();
  }
  EXPECT_EQ(read(dir_ / "junit.xml"), "old");
  EXPECT_EQ(entries(), std::vector<std::string>{"junit.xml"});
}

TEST_F(WriteFileTest, AFailedFirstWriteLeavesNoPartialTarget) {
  try {
    test::FileSizeLimit limit(16);
    write_file_atomic(dir_ / "result.json", std::string(4096, 'x'));
    FAIL() << "accepted";
  } catch (const InfraError&) {
  }
  EXPECT_TRUE(entries().empty());
}

TEST_F(WriteFileTest, ADirectoryThatCannotBeWrittenIsAnInfraErrorNamingThePath) {
  std::ofstream(dir_ / "a-file") << "x";
  EXPECT_THROW(
      {
        try {
          write_file_atomic(dir_ / "a-file" / "result.json", "x");
        } catch (const InfraError& e) {
          EXPECT_NE(std::string(e.what()).find((dir_ / "a-file" / "result.json").string()), std::string::npos) << e.what();
          throw;
        }
      },
      InfraError);
  EXPECT_THROW(make_directories(dir_ / "a-file" / "logs"), InfraError);
}

// What `auditvm run > /dev/full` gives std::cout: a buffer that cannot be written out.
class FullDevice : public std::streambuf {
 protected:
  int_type overflow(int_type) override { return traits_type::eof(); }
};

TEST(StandardOutput, AnOutputThatCannotBeWrittenIsAnInfraError) {
  FullDevice full;
  auto* saved = std::cout.rdbuf(&full);
  std::cout << "overall: pass\n";
  bool threw = false;
  try {
    flush_standard_output();
  } catch (const InfraError& e) {
    threw = std::string(e.what()).find("standard output") != std::string::npos;
  }
  std::cout.rdbuf(saved);
  std::cout.clear();
  EXPECT_TRUE(threw);
  EXPECT_NO_THROW(flush_standard_output());
}

TEST(FileNames, OnlyPlainNamesThatStayInTheirDirectoryAreSafe) {
  for (const char* good : {"stig-fix", "auid_1001", "v1.2", "stig-fix@x86_64.audit.log"}) EXPECT_TRUE(is_safe_file_name(good)) << good;
  for (const char* bad : {"", ".", "..", "../../../../tmp/x", "a/b", ".hidden", "a b", "a\\b", "\xc3\xa9t\xc3\xa9"})
    EXPECT_FALSE(is_safe_file_name(bad)) << bad;
  EXPECT_FALSE(is_safe_file_name(std::string(101, 'a')));
  EXPECT_FALSE(is_safe_file_name(std::string("a\0b", 3)));
  EXPECT_EQ(file_in("/r/logs", "x@aarch64.audit.log"), fs::path("/r/logs/x@aarch64.audit.log"));
  for (const char* bad : {"", ".", "..", "../x.cklb", "a/b"}) EXPECT_THROW(file_in("/r", bad), InfraError) << bad;
}

}  // namespace
}  // namespace auditvm
