// Options shared by the commands that boot guests (run, reproduce): the machine, which default
// guest images (--suite, --image), and the checklists' target.
#pragma once

#include <CLI/CLI.hpp>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "image/manifest.hpp"
#include "image/suite.hpp"
#include "machine/machine.hpp"
#include "report/target.hpp"

namespace auditvm::cli {

std::vector<std::string> split_commas(const std::string& text);

struct MachineOptions {
  std::string backend = "qemu";
  std::string libvirt_uri = "qemu:///system";
  std::string accel = "auto";
  std::string cache_dir;
  void add_to(CLI::App& cmd);
  machine::BackendOptions backend_options() const;
  machine::Accel accel_value() const;
};

// The suites named by --suite (comma-separated; InputError naming an unknown one). Empty text: bookworm.
std::vector<image::Suite> suites_from_option(const std::string& text);

// The checklists' asset (--target FILE, then --host-name, --fqdn, --ip, --mac, --role and
// --target-comment over it); nothing given: each cell's own "auditvm-<cell>".
struct TargetOptions {
  std::string file;
  std::optional<std::string> host_name, fqdn, ip_address, mac_address, role, comments;
  void add_to(CLI::App& cmd);
  // InputError naming the option or the file's field for a bad value.
  report::TargetData value() const;
};

struct ImageOptions {
  std::string suites;                   // --suite S[,S...]
  std::vector<std::string> image_dirs;  // --image DIR (repeatable)
  void add_to(CLI::App& cmd, bool several_suites);
};

// The default guests of a run, one image per arch and suite: an --image directory; else the
// current image of the cache (the last `auditvm image build`, online or from --debs: an
// air-gapped machine never resolves again); else one built now.
class DefaultGuests {
 public:
  // init: busybox (the default guests) or systemd (`--guest systemd`).
  DefaultGuests(const ImageOptions& options, std::filesystem::path cache_dir, bool quiet, image::GuestInit init = image::GuestInit::busybox);
  // The suites to run (--suite, else those of the --image directories, else bookworm).
  const std::vector<std::string>& suites() const { return suites_; }
  // The arches of the --image directories (empty without --image).
  std::vector<Arch> image_arches() const;
  // Not thread-safe: call it for every arch and suite before the workers start.
  const image::Manifest& get(Arch arch, const std::string& suite);

 private:
  std::filesystem::path cache_dir_;
  bool quiet_;
  image::GuestInit init_;
  bool from_image_dirs_ = false;
  std::vector<std::string> suites_;
  std::map<std::pair<Arch, std::string>, image::Manifest> images_;
};

}  // namespace auditvm::cli
