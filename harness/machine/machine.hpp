// "A running guest": the one interface the runner speaks. Backends (qemu/, libvirt/) implement it;
// a third backend is one more folder.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/errors.hpp"
#include "image/manifest.hpp"

namespace auditvm::machine {

struct CommandResult {
  int exit_status = -1;
  std::string out;  // stdout, byte exact
  std::string err;  // stderr, byte exact
};

enum class Accel { automatic, kvm, tcg };

class SnapshotStore;  // qemu/snapshot.hpp

struct BootOptions {
  std::vector<std::string> extra_kernel_params;  // appended to the manifest's (e.g. audit=1 audit_backlog_limit=8192)
  std::filesystem::path run_directory;           // private 0700 dir for sockets; removed on shutdown
  std::filesystem::path console_log;             // serial console captured here, kept with the results
  Accel accel = Accel::automatic;
  std::chrono::seconds boot_timeout{120};
  std::chrono::seconds shutdown_grace{10};
  unsigned memory_mib = 256;
  // The run's snapshots (QEMU backend; nullptr: always boot) and how many fresh guests with these
  // options the run expects, this one included (a snapshot is saved only for two or more).
  SnapshotStore* snapshots = nullptr;
  unsigned alike_boots = 1;
};

// Failures of the machinery (infrastructure errors, exit 2), each distinct so reports can say which
// (never a scenario failure). The message carries the console log's path and its last lines.
class MachineError : public InfraError {
 public:
  MachineError(const std::string& what, std::filesystem::path console_log)
      : InfraError(what), console_log_(std::move(console_log)) {}
  const std::filesystem::path& console_log() const { return console_log_; }

 private:
  std::filesystem::path console_log_;
};
class BootTimeout : public MachineError { using MachineError::MachineError; };
class CommandTimeout : public MachineError { using MachineError::MachineError; };
class ShutdownTimeout : public MachineError { using MachineError::MachineError; };
class MachineDied : public MachineError { using MachineError::MachineError; };  // QEMU exited, guest panicked
class ChannelLost : public MachineError { using MachineError::MachineError; };  // output kept arriving incomplete

class Machine {
 public:
  virtual ~Machine() = default;  // must stop the guest and remove everything it created
  virtual void boot() = 0;
  // Runs `script` with bash as root in the guest. Throws CommandTimeout / MachineDied.
  virtual CommandResult run(const std::string& script, std::chrono::seconds timeout) = 0;
  virtual std::string read_file(const std::string& guest_path, std::chrono::seconds timeout) = 0;
  // Clean power-off, then a hard kill after the grace period.
  virtual void shutdown() = 0;
  virtual const image::Manifest& manifest() const = 0;
  virtual std::filesystem::path console_log() const = 0;
  // Whether boot() restored the guest from a snapshot instead of booting it.
  virtual bool restored() const { return false; }
};

enum class Backend { qemu, libvirt };

struct BackendOptions {
  Backend backend = Backend::qemu;
  std::string libvirt_uri = "qemu:///system";
};

std::unique_ptr<Machine> make_machine(const image::Manifest& manifest, const BootOptions& boot,
                                      const BackendOptions& backend);

}  // namespace auditvm::machine
