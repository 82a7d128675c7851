// Debian packages of any arch and suite through auditvm's own apt sources, without touching the
// host's apt configuration, dpkg state or architectures: apt-get with its own sources, lists,
// status and archives under the cache.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "core/arch.hpp"
#include "image/suite.hpp"

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
  // Keeps apt's state for one arch and suite in state_dir (created on first use): its own
  // sources.list and preferences (suite.hpp), lists, an empty dpkg status and archives.
  PrivateApt(Arch arch, const Suite& suite, std::filesystem::path state_dir);

  // Downloads the package lists of the suite's sources for this arch (network).
  void update();
  // The direct dependencies of the candidate of `package` (Depends, PreDepends, alternatives),
  // without virtual packages: linux-image-amd64 -> linux-image-6.1.0-57-amd64.
  std::vector<std::string> depends(const std::string& package);
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
