#include "image/elf_closure.hpp"

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
  const std::vector<std::string> search{"/lib/" + triplet(arch), "/usr/lib/" + triplet(arch), "/lib", "/usr/lib"};
  std::set<std::string> found;
  std::vector<std::string> queue = binaries;
  while (!queue.empty()) {
    std::string guest_path = queue.back();
    queue.pop_back();
    auto host_path = resolve_in_root(root, guest_path);
    auto dynamic = run_process({"readelf", "-d", "-l", "-W", host_path.string()});
    if (dynamic.exit_code != 0) throw InfraError("readelf cannot read " + guest_path + ": " + dynamic.err);
    for (const auto& loader : matches(dynamic.out, interpreter))
      if (found.insert(loader).second) queue.push_back(loader);
    for (const auto& library : matches(dynamic.out, needed)) {
      std::string location;
      for (const auto& dir : search)
        if (std::filesystem::exists(resolve_in_root(root, dir + "/" + library))) {
          location = dir + "/" + library;
          break;
        }
      if (location.empty()) throw InfraError(guest_path + " needs " + library + ", which no package provided");
      if (found.insert(location).second) queue.push_back(location);
    }
  }
  return found;
}

}  // namespace auditvm::image
