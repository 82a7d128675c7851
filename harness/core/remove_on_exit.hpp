// A directory removed when the scope ends, however it ends (a half-built image's work directory).
#pragma once

#include <filesystem>
#include <system_error>
#include <utility>

namespace auditvm {

class RemoveOnExit {
 public:
  explicit RemoveOnExit(std::filesystem::path dir) : dir_(std::move(dir)) {}
  ~RemoveOnExit() {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  RemoveOnExit(const RemoveOnExit&) = delete;
  RemoveOnExit& operator=(const RemoveOnExit&) = delete;

 private:
  std::filesystem::path dir_;
};

}  // namespace auditvm
