// Options shared by the commands that boot guests (run, reproduce).
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "machine/machine.hpp"

namespace auditvm::cli {

struct MachineOptions {
  std::string backend = "qemu";
  std::string libvirt_uri = "qemu:///system";
  std::string accel = "auto";
  std::string cache_dir;
  void add_to(CLI::App& cmd);
  machine::BackendOptions backend_options() const;
  machine::Accel accel_value() const;
};

}  // namespace auditvm::cli
