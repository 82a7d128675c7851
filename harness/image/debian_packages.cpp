#include "image/debian_packages.hpp"

#include <chrono>
#include <iostream>
#include <regex>
#include <set>

#include <nlohmann/json.hpp>

#include "core/errors.hpp"
#include "core/write_file.hpp"
#include "core/files.hpp"
#include "image/cache.hpp"
#include "image/deb_archive.hpp"

namespace auditvm::image {
namespace fs = std::filesystem;
namespace {

using nlohmann::json;

// A resolution is reused while the suite's sources and the guest's packages are the same and it
// is younger than this (the archive moves: sid daily, stable with point releases and security).
constexpr auto kResolutionMaxAge = std::chrono::hours(24);

std::string resolution_fingerprint(Arch arch, const Suite& suite) {
  std::string text = std::string(debian_arch(arch)) + "\n" + sources_list(suite) + apt_preferences(suite);
  for (const auto& name : guest_packages(arch, suite)) text += name + "\n";
  return sha256_hex(text);
}

std::int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

json to_json(const DebPackage& p) {
  return {{"name", p.name}, {"version", p.version}, {"filename", p.filename}, {"uri", p.uri}, {"size", p.size}, {"sha256", p.sha256}};
}

DebPackage from_json(const json& j) {
  return {j.at("name"), j.at("version"), j.at("filename"), j.at("uri"), j.at("size"), j.at("sha256")};
}

// The kernel's own packages, from its meta package down: bookworm's linux-image-amd64 ->
// linux-image-6.1.0-57-amd64; 7.x's -> linux-image-7.2.13+deb14-amd64 (a meta package) ->
// linux-binary-* (the kernel), linux-modules-*, linux-base-* (modules.builtin). Not their other
// dependencies (initramfs-tools, kmod, ...): only the kernel's files are used.
std::vector<std::string> kernel_packages(PrivateApt& apt, const std::string& meta) {
  std::vector<std::string> found{meta};
  std::set<std::string> seen{meta};
  for (std::size_t i = 0; i < found.size(); ++i)
    for (const auto& dependency : apt.depends(found[i]))
      if (is_kernel_package(dependency) && seen.insert(dependency).second) found.push_back(dependency);
  return found;
}

std::vector<DebPackage> resolve_with_apt(PrivateApt& apt, Arch arch, const Suite& suite) {
  auto roots = guest_packages(arch, suite);
  auto names = apt.dependency_closure({roots.begin() + 1, roots.end()});
  for (const auto& name : kernel_packages(apt, roots.front()))
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  return apt.describe(names);
}

}  // namespace

bool is_kernel_package(const std::string& name) {
  static const std::regex kernel(R"(linux-(image|binary|modules|base)-.+)");
  return std::regex_match(name, kernel);
}

std::string kernel_package_names(const ResolvedPackages& resolved) {
  std::string names;
  for (const auto& package : resolved.packages)
    if (is_kernel_package(package.name)) names += (names.empty() ? "" : ", ") + package.name + " " + package.version;
  return names.empty() ? "the kernel packages" : names;
}

std::filesystem::path suite_state_dir(const fs::path& cache_dir, const std::string& kind, Arch arch, const Suite& suite) {
  return cache_dir / kind / (std::string(debian_arch(arch)) + suite_tag(suite));
}

std::vector<std::string> guest_packages(Arch arch, const Suite& suite) {
  std::vector<std::string> names{"linux-image-" + std::string(debian_arch(arch)), "busybox-static", "auditd", "bash"};
  if (suite.init == GuestInit::systemd) names.push_back("systemd");
  return names;
}

std::map<std::string, std::string> ResolvedPackages::versions() const {
  std::map<std::string, std::string> out;
  for (const auto& package : packages) out[package.name] = package.version;
  return out;
}

ResolvedPackages resolve_online(Arch arch, const Suite& suite, const fs::path& cache_dir, bool refresh, const Progress& progress) {
  const std::string debian = std::string(debian_arch(arch));
  const fs::path state = suite_state_dir(cache_dir, "apt", arch, suite);
  const fs::path record = state / "resolved.json";
  ResolvedPackages resolved{{}, suite_state_dir(cache_dir, "debs", arch, suite), true};
  const std::string fingerprint = resolution_fingerprint(arch, suite);
  json previous;
  if (fs::exists(record)) {
    try {
      previous = json::parse(read_file(record, FileKind::data));
      bool young = now_seconds() - previous.value("resolved_at", std::int64_t{0}) < std::chrono::seconds(kResolutionMaxAge).count();
      if (!refresh && young && previous.at("fingerprint") == fingerprint) {
        for (const auto& package : previous.at("packages")) resolved.packages.push_back(from_json(package));
        return resolved;
      }
    } catch (const json::exception&) {
      previous = json();  // unreadable: resolve again
    }
  }
  if (progress) progress("resolving " + debian + " package versions of Debian " + suite.name);
  fs::create_directories(state);
  PrivateApt apt(arch, suite, state);
  try {
    apt.update();
    resolved.packages = resolve_with_apt(apt, arch, suite);
  } catch (const InfraError& error) {
    if (!previous.contains("packages") || previous.value("fingerprint", "") != fingerprint) throw;
    // Offline, or the mirror is down: the last resolution still names packages we may have.
    std::cerr << "auditvm: warning: cannot refresh the " << debian << " package lists of " << suite.name << "; using the versions resolved before\n  ("
              << error.what() << ")\n";
    for (const auto& package : previous.at("packages")) resolved.packages.push_back(from_json(package));
    return resolved;
  }
  json packages = json::array();
  for (const auto& package : resolved.packages) packages.push_back(to_json(package));
  write_file_atomic(record, json{{"fingerprint", fingerprint}, {"resolved_at", now_seconds()}, {"packages", packages}}.dump(2) + "\n");
  return resolved;
}

ResolvedPackages resolve_offline(Arch arch, const fs::path& dir, const Suite& suite) {
  if (!fs::is_directory(dir)) throw InputError({dir.string(), 0, "--debs"}, "not a directory");
  ResolvedPackages resolved{{}, dir, false};
  std::map<std::string, DebPackage> by_name;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".deb") continue;
    DebControl control = read_deb_control(entry.path());
    if (control.architecture != debian_arch(arch) && control.architecture != "all") continue;
    DebPackage package{control.package, control.version, entry.path().filename().string(), "", entry.file_size(), ""};
    auto [it, inserted] = by_name.emplace(control.package, package);
    if (!inserted && it->second.version != package.version)
      throw InputError({dir.string(), 0, control.package}, "package " + control.package + " is there in two versions (" + it->second.version + ", " +
                                                               package.version + "): keep one");
  }
  std::vector<std::string> required = guest_packages(arch, suite);
  required.front() = "linux-image-";  // the meta package is optional offline; a kernel image is not
  for (const auto& name : required) {
    bool present = name.ends_with("-") ? std::any_of(by_name.begin(), by_name.end(), [&](const auto& p) { return p.first.starts_with(name); })
                                       : by_name.count(name) > 0;
    std::string shown = name.ends_with("-") ? guest_packages(arch, suite).front() : name;
    if (!present) throw InputError({dir.string(), 0, shown}, "package " + shown + " (" + std::string(debian_arch(arch)) + ") is missing from --debs");
  }
  for (auto& [name, package] : by_name) resolved.packages.push_back(package);
  return resolved;
}

std::vector<fs::path> fetch_debs(Arch arch, const Suite& suite, const ResolvedPackages& resolved, const fs::path& cache_dir, const Progress& progress) {
  std::vector<fs::path> files;
  for (const auto& package : resolved.packages) files.push_back(resolved.debs_dir / package.filename);
  if (!resolved.online) return files;
  fs::create_directories(resolved.debs_dir);
  PrivateApt(arch, suite, suite_state_dir(cache_dir, "apt", arch, suite)).download(resolved.packages, resolved.debs_dir, progress);
  // Keep exactly the current set: bounded disk use, and the directory is a valid --debs input.
  std::set<fs::path> current(files.begin(), files.end());
  for (const auto& entry : fs::directory_iterator(resolved.debs_dir))
    if (entry.path().extension() == ".deb" && !current.count(entry.path())) fs::remove(entry.path());
  return files;
}

void extract_debs(const std::vector<fs::path>& debs, const fs::path& root, const std::function<bool(const std::string&)>& keep,
                  const Progress& progress) {
  fs::create_directories(root);
  size_t done = 0;
  for (const auto& deb : debs) {
    auto start = std::chrono::steady_clock::now();
    extract_deb(deb, root, keep);
    ++done;
    // Only the slow ones (the kernel) are worth a line.
    if (progress && std::chrono::steady_clock::now() - start > std::chrono::seconds(1))
      progress("unpacked " + deb.filename().string() + " (" + std::to_string(done) + "/" + std::to_string(debs.size()) + ")");
  }
}

fs::path resolve_in_root(const fs::path& root, const std::string& path) {
  fs::path current = root / fs::path(path).relative_path();
  for (int hops = 0; hops < 16 && fs::is_symlink(current); ++hops) {
    auto target = fs::read_symlink(current);
    current = target.is_absolute() ? root / target.relative_path() : current.parent_path() / target;
  }
  // Merged or split /usr: a missing /lib path may live under /usr/lib.
  if (!fs::exists(current) && path.rfind("/usr/", 0) != 0) return resolve_in_root(root, "/usr" + path);
  return current;
}

}  // namespace auditvm::image
