// Debian packages of any arch through the host's apt sources, without touching the host's
// dpkg state or architectures: apt-get with its own lists, status and archives under the cache.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "core/arch.hpp"

namespace auditvm::image {

// Receives one line of progress ("fetching ..."); empty function = silent.
using Progress = std::function<void(const std::string&)>;

struct DebPackage {
  std::string name;
  std::string version;
  std::string filename;  // as apt names it in the archive directory
  std::string uri;
  std::uint64_t size = 0;
  std::string sha256;    // empty when the index gave none
};

// Parses apt-get's --print-uris lines: 'URI' FILENAME SIZE HASH.
std::vector<DebPackage> parse_print_uris(const std::string& output);

class PrivateApt {
 public:
  // Keeps apt's state for one arch in state_dir (created on first use).
  PrivateApt(Arch arch, std::filesystem::path state_dir);

  // Downloads the package lists of the host's sources for this arch (network).
  void update();
  // The package a meta package depends on first (linux-image-arm64 -> linux-image-6.1.0-56-arm64).
  std::string first_dependency(const std::string& package);
  // The names of `roots` and everything they depend on.
  std::vector<std::string> dependency_closure(const std::vector<std::string>& roots);
  // Exact versions, files and hashes of these packages (no dependencies added).
  std::vector<DebPackage> describe(const std::vector<std::string>& names);
  // Downloads the packages not yet in `dir` (checked by size and hash) into it.
  void download(const std::vector<DebPackage>& packages, const std::filesystem::path& dir, const Progress& progress);

 private:
  std::string run(const std::string& program, const std::vector<std::string>& args, const std::string& what) const;
  Arch arch_;
  std::filesystem::path state_dir_;
};

}  // namespace auditvm::image
