// Builds (or finds in the cache) the default guest image of an arch and Debian suite: kernel,
// initramfs with busybox, bash, auditd and the module helpers, the test module, and manifest.json.
//
// Cache layout under <cache_dir> (default $XDG_CACHE_HOME/auditvm/images), where <tag> is empty
// for bookworm (the layout from before suites) and "-<suite>" otherwise (x86_64-trixie):
//   <arch><tag>-<inputs>-<versions>/  one image: manifest.json, vmlinux or Image, initrd.cpio (world-readable)
//   <arch><tag>-<inputs>.current      the image the last build for these inputs produced or confirmed: one
//                                     per inputs, so checkouts with other guest inputs never boot each other's
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

// Key of the project's own inputs for an arch and suite: the guest files, the helper binaries
// (the guest runner), the packages asked for and their sources, the builder version (a systemd
// guest's own files, guest/systemd/, count for it alone).
std::string input_key(Arch arch, const Suite& suite = default_suite());
// Key of an image: the project's inputs and the exact package versions.
std::string image_key(const std::string& inputs, const std::map<std::string, std::string>& package_versions);

// Builds the image unless the cache holds one for the same inputs and package versions (then it
// returns in well under a second, without network). Atomic and safe to run concurrently.
Manifest build_image(Arch arch, const BuildOptions& options);

// The image the last build of this arch and suite for this checkout's inputs (input_key) produced,
// online or from --debs; none when there is none (another checkout's images never count).
std::optional<Manifest> find_image(Arch arch, const Suite& suite, const std::filesystem::path& cache_dir = {});
std::optional<Manifest> find_image(Arch arch, const std::filesystem::path& cache_dir = {});  // bookworm

// The image `run` and `reproduce` boot for an arch and options.suite: find_image's, without
// resolving package versions again; build_image when there is none.
Manifest image_for_run(Arch arch, const BuildOptions& options);

// Removes, each under its arch's build lock: every image directory that is not the last build of
// its inputs (superseded package versions), the last builds of other inputs than this checkout's
// whose pointer is more than 7 days old (with the pointer), the work directories of builds whose
// process is gone, and the one-pointer-per-suite files of before. Returns what it removed.
std::vector<std::filesystem::path> prune_images(const std::filesystem::path& cache_dir = {});

// One cached image as `image list` shows it: its suite and PID 1 (told by its directory's name,
// as the builder names it), whether this checkout boots it, and its manifest.
struct CachedImage {
  Suite suite;
  bool current = false;  // the one this checkout's run and VM tests boot (its inputs' pointer names it)
  bool latest = false;   // its inputs' pointer names it (when not current: another checkout's, or of an earlier guest)
  Manifest manifest;
};
// Every image in the cache (any inputs), in the order of their directory names.
std::vector<CachedImage> list_images(const std::filesystem::path& cache_dir = {});

}  // namespace auditvm::image
