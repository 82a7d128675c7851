#include "image/elf_closure.hpp"

#include <algorithm>
#include <map>
#include <regex>

#include "core/arch_table.hpp"
#include "core/errors.hpp"
#include "core/process.hpp"
#include "image/debian_packages.hpp"

namespace auditvm::image {
namespace {

std::string triplet(Arch arch) { return std::string(arch_info(arch).triplet); }

std::vector<std::string> matches(const std::string& text, const std::regex& pattern) {
  std::vector<std::string> out;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), pattern); it != std::sregex_iterator(); ++it)
    out.push_back((*it)[1]);
  return out;
}

}  // namespace

std::set<std::string> library_closure(const std::filesystem::path& root, Arch arch, const std::vector<std::string>& binaries) {
  static const std::regex needed(R"(\(NEEDED\)\s+Shared library: \[([^\]]+)\])");
  static const std::regex interpreter(R"(Requesting program interpreter: ([^\]]+)\])");
  static const std::regex runpath(R"(\((?:RUNPATH|RPATH)\)\s+Library r(?:un)?path: \[([^\]]+)\])");
  const std::vector<std::string> search{"/lib/" + triplet(arch), "/usr/lib/" + triplet(arch), "/lib", "/usr/lib"};
  std::set<std::string> found;
  std::map<std::string, std::string> by_name;  // soname -> where it was found
  std::vector<std::string> queue = binaries;
  while (!queue.empty()) {
    std::string guest_path = queue.back();
    queue.pop_back();
    auto host_path = resolve_in_root(root, guest_path);
    auto dynamic = run_process({"readelf", "-d", "-l", "-W", host_path.string()});
    if (dynamic.exit_code != 0) throw InfraError("readelf cannot read " + guest_path + ": " + dynamic.err);
    for (const auto& loader : matches(dynamic.out, interpreter))
      if (found.insert(loader).second) queue.push_back(loader);
    // systemd's programs find libsystemd-shared through their RUNPATH (/usr/lib/<triplet>/systemd).
    std::vector<std::string> dirs;
    for (const auto& paths : matches(dynamic.out, runpath))
      for (std::size_t start = 0; start <= paths.size();) {
        auto end = std::min(paths.find(':', start), paths.size());
        std::string dir = paths.substr(start, end - start);
        if (dir.rfind("$ORIGIN", 0) == 0) dir = std::filesystem::path(guest_path).parent_path().string() + dir.substr(7);
        if (!dir.empty()) dirs.push_back(dir);
        start = end + 1;
      }
    dirs.insert(dirs.end(), search.begin(), search.end());
    for (const auto& library : matches(dynamic.out, needed)) {
      // Already loaded (the dynamic loader matches a NEEDED soname against loaded objects first):
      // libsystemd-core needs libsystemd-shared, found through the program's RUNPATH.
      std::string location = by_name.count(library) ? by_name.at(library) : "";
      for (std::size_t i = 0; location.empty() && i < dirs.size(); ++i)
        if (std::filesystem::exists(resolve_in_root(root, dirs[i] + "/" + library))) location = dirs[i] + "/" + library;
      if (location.empty()) throw InfraError(guest_path + " needs " + library + ", which no package provided");
      by_name[library] = location;
      if (found.insert(location).second) queue.push_back(location);
    }
  }
  return found;
}

}  // namespace auditvm::image
