// A fresh directory under /tmp for each test (dir_), removed after it.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <stdexcept>
#include <string>

namespace auditvm::test {

inline std::filesystem::path make_temp_dir(const std::string& name) {
  std::string pattern = "/tmp/auditvm-" + name + "-XXXXXX";
  if (!::mkdtemp(pattern.data())) throw std::runtime_error("cannot create " + pattern);
  return pattern;
}

// A file path of its own (`name` inside a fresh directory), removed with its directory when it
// goes out of scope: tests of different checkouts run at once and must not share /tmp names.
class ScratchFile {
 public:
  explicit ScratchFile(const std::string& name) : dir_(make_temp_dir("scratch")), path_(dir_ / name) {}
  ~ScratchFile() {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  ScratchFile(const ScratchFile&) = delete;
  ScratchFile& operator=(const ScratchFile&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path dir_, path_;
};

class TempDirTest : public testing::Test {
 protected:
  explicit TempDirTest(std::string name = "test") : name_(std::move(name)) {}
  void SetUp() override { dir_ = make_temp_dir(name_); }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;

 private:
  std::string name_;
};

}  // namespace auditvm::test
