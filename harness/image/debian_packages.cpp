#include "image/debian_packages.hpp"

#include <iostream>
#include <regex>

#include "core/errors.hpp"
#include "core/process.hpp"

namespace auditvm::image {
namespace {

// The Debian sources the host's apt uses (deb822 .sources and one-line .list files).
std::vector<std::string> host_apt_sources() {
  std::vector<std::string> sources;
  if (std::filesystem::exists("/etc/apt/sources.list") && std::filesystem::file_size("/etc/apt/sources.list") > 0)
    sources.push_back("/etc/apt/sources.list");
  if (std::filesystem::exists("/etc/apt/sources.list.d"))
    for (const auto& entry : std::filesystem::directory_iterator("/etc/apt/sources.list.d")) {
      auto ext = entry.path().extension();
      if (ext == ".sources" || ext == ".list") sources.push_back(entry.path());
    }
  if (sources.empty()) sources.push_back("http://deb.debian.org/debian");
  return sources;
}

// "auditd_1%3a3.0.9-1_arm64.deb" -> {auditd, 1:3.0.9-1}
std::map<std::string, std::string> versions_from_archive_names(const std::filesystem::path& dir) {
  std::map<std::string, std::string> versions;
  static const std::regex name(R"(([^_]+)_([^_]+)_[^_]+\.deb)");
  if (!std::filesystem::exists(dir)) return versions;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::smatch m;
    std::string file = entry.path().filename().string();
    if (std::regex_match(file, m, name)) versions[m[1]] = std::regex_replace(m[2].str(), std::regex("%3a"), ":");
  }
  return versions;
}

}  // namespace

std::vector<std::string> guest_packages(Arch arch) {
  return {"linux-image-" + std::string(debian_arch(arch)), "busybox-static", "auditd", "bash"};
}

PackageTree fetch_packages(Arch arch, const std::filesystem::path& root, bool quiet) {
  std::string include;
  for (const auto& name : guest_packages(arch)) include += (include.empty() ? "" : ",") + name;
  std::vector<std::string> argv{"mmdebstrap", quiet ? "--quiet" : "--verbose", "--variant=extract",
                                "--architectures=" + std::string(debian_arch(arch)), "--include=" + include,
                                "--skip=check/empty", "--skip=cleanup/apt/cache", "bookworm", root.string()};
  for (const auto& source : host_apt_sources()) argv.push_back(source);
  if (!quiet) std::cerr << "image: fetching " << include << " for " << debian_arch(arch) << " with mmdebstrap\n";
  auto result = run_process(argv);
  if (result.exit_code != 0)
    throw InfraError("mmdebstrap failed for " + std::string(debian_arch(arch)) + ":\n" + result.err);
  return {root, versions_from_archive_names(root / "var/cache/apt/archives")};
}

PackageTree extract_debs(Arch arch, const std::filesystem::path& debs_dir, const std::filesystem::path& root) {
  if (!std::filesystem::is_directory(debs_dir)) throw InputError({debs_dir.string(), 0, "--debs"}, "not a directory");
  PackageTree tree{root, {}};
  std::filesystem::create_directories(root);
  for (const auto& entry : std::filesystem::directory_iterator(debs_dir)) {
    if (entry.path().extension() != ".deb") continue;
    auto fields = run_process({"dpkg-deb", "-f", entry.path().string(), "Package", "Version", "Architecture"});
    std::smatch m;
    static const std::regex pattern(R"(Package: (\S+)\nVersion: (\S+)\nArchitecture: (\S+))");
    if (fields.exit_code != 0 || !std::regex_search(fields.out, m, pattern)) throw InputError({entry.path().string(), 0, ""}, "not a Debian package");
    if (m[3].str() != debian_arch(arch) && m[3].str() != "all") continue;
    if (run_process({"dpkg-deb", "-x", entry.path().string(), root.string()}).exit_code != 0)
      throw InfraError("cannot extract " + entry.path().string());
    tree.versions[m[1]] = m[2];
  }
  for (const auto& name : guest_packages(arch)) {
    bool is_meta = name.rfind("linux-image-", 0) == 0;
    bool present = false;
    for (const auto& [package, version] : tree.versions)
      present |= is_meta ? package.rfind("linux-image-", 0) == 0 : package == name;
    if (!present) throw InputError({debs_dir.string(), 0, name}, "package " + name + " (" + std::string(debian_arch(arch)) + ") is missing from --debs");
  }
  return tree;
}

std::filesystem::path resolve_in_root(const std::filesystem::path& root, const std::string& path) {
  std::filesystem::path current = root / std::filesystem::path(path).relative_path();
  for (int hops = 0; hops < 16 && std::filesystem::is_symlink(current); ++hops) {
    auto target = std::filesystem::read_symlink(current);
    current = target.is_absolute() ? root / target.relative_path() : current.parent_path() / target;
  }
  // Merged or split /usr: a missing /lib path may live under /usr/lib.
  if (!std::filesystem::exists(current) && path.rfind("/usr/", 0) != 0) return resolve_in_root(root, "/usr" + path);
  return current;
}

}  // namespace auditvm::image
