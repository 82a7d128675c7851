// QEMU's machine protocol (QMP) on a unix socket: enough to stop, migrate to a file and resume a
// guest (snapshot.hpp). JSON stays here, at the edge.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "core/fd.hpp"

namespace auditvm::machine {

class Qmp {
 public:
  // Connects (QEMU creates the socket as it starts: retried until the deadline), reads the
  // greeting and enters command mode. Throws InfraError.
  Qmp(const std::filesystem::path& socket, std::chrono::steady_clock::time_point deadline);
  // Runs one command; its "return" value. Events in between are skipped. Throws InfraError on an
  // error reply, EOF or the deadline.
  nlohmann::json execute(const std::string& command, const nlohmann::json& arguments = nullptr);
  // Polls `query-status` until the guest is no longer "inmigrate" (an incoming migration loaded).
  std::string wait_while_status(const std::string& status);
  // Polls `query-migrate` until it completed; throws when it failed.
  void wait_for_migration();

 private:
  std::string read_line();
  Fd fd_;
  std::string buffer_;
  std::chrono::steady_clock::time_point deadline_;
};

}  // namespace auditvm::machine
