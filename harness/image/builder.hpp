// Builds (or finds in the cache) the default guest image of an arch: kernel, initramfs with
// busybox, bash, auditd and the module helpers, the test module, and manifest.json.
#pragma once

#include <filesystem>
#include <optional>
#include <vector>

#include "image/manifest.hpp"

namespace auditvm::image {

struct BuildOptions {
  std::filesystem::path cache_dir;               // default_cache_dir() when empty
  std::optional<std::filesystem::path> debs_dir;  // offline: build from these .debs
  bool quiet = false;
  bool refresh = false;                          // fetch packages again even when cached
};

// Key of the project's own inputs (guest files, helpers) for an arch.
std::string input_key(Arch arch);

Manifest build_image(Arch arch, const BuildOptions& options);

// The cached image for the current inputs, if built.
std::optional<Manifest> find_image(Arch arch, const std::filesystem::path& cache_dir = {});

// Every image in the cache (any inputs), for `image list`.
std::vector<Manifest> list_images(const std::filesystem::path& cache_dir = {});

}  // namespace auditvm::image
