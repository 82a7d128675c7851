// Builds (or finds in the cache) the default guest image of an arch and Debian suite: kernel,
// initramfs with busybox, bash, auditd and the module helpers, the test module, and manifest.json.
//
// Cache layout under <cache_dir> (default $XDG_CACHE_HOME/auditvm/images), where <tag> is empty
// for bookworm (the layout from before suites) and "-<suite>" otherwise (x86_64-trixie):
//   <arch><tag>-<key>/       one image: manifest.json, vmlinux or Image, initrd.cpio (world-readable)
//   <arch><tag>.current      the name of the image the last build of that arch and suite produced or confirmed
//   <arch><tag>.lock         flock held while building: concurrent builders wait for each other
//   apt/<debian arch><tag>/  auditvm's own apt state (sources.list, lists), resolved.json (the package versions)
//   debs/<debian arch><tag>/ the downloaded .debs, kept for reuse (and usable as --debs)
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "image/manifest.hpp"
#include "image/suite.hpp"

namespace auditvm::image {

struct BuildOptions {
  std::filesystem::path cache_dir;               // default_cache_dir() when empty
  std::optional<std::filesystem::path> debs_dir;  // offline: build from these .debs
  bool quiet = false;                            // no progress on stderr
  bool refresh = false;                          // ask the archive for new versions even if the last resolution is recent
  Suite suite = default_suite();
};

// Key of the project's own inputs (guest files, helper binaries, builder version) for an arch
// and PID 1 (a systemd guest's own files, guest/systemd/, count for it alone).
std::string input_key(Arch arch, GuestInit init = GuestInit::busybox);
// Key of an image: the project's inputs and the exact package versions.
std::string image_key(const std::string& inputs, const std::map<std::string, std::string>& package_versions);

// Builds the image unless the cache holds one for the same inputs and package versions (then it
// returns in well under a second, without network). Atomic and safe to run concurrently.
Manifest build_image(Arch arch, const BuildOptions& options);

// The image the last build of this arch and suite produced (online or from --debs), if the
// project's inputs still match it.
std::optional<Manifest> find_image(Arch arch, const Suite& suite, const std::filesystem::path& cache_dir = {});
std::optional<Manifest> find_image(Arch arch, const std::filesystem::path& cache_dir = {});  // bookworm

// The image `run` and `reproduce` boot for an arch and options.suite: the current one (what the
// last build made, online or offline from --debs) when this checkout's inputs match it, without
// resolving package versions again; otherwise build_image.
Manifest image_for_run(Arch arch, const BuildOptions& options);

// Removes every image directory that is not the current one of its arch and suite, and the work
// directories of builds whose process is gone, each under its arch's build lock. Returns the
// directories removed.
std::vector<std::filesystem::path> prune_images(const std::filesystem::path& cache_dir = {});

// One cached image as `image list` shows it: its suite and PID 1 (told by its directory's name,
// as the builder names it), whether it is the current one of that arch and flavour (the one `run`
// boots when the inputs match), and its manifest.
struct CachedImage {
  Suite suite;
  bool current = false;
  Manifest manifest;
};
// Every image in the cache (any inputs), in the order of their directory names.
std::vector<CachedImage> list_images(const std::filesystem::path& cache_dir = {});

}  // namespace auditvm::image
