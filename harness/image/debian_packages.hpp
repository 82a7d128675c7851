// Which Debian packages a guest is made of, where their .debs come from (auditvm's own apt
// sources for the suite, or a directory for offline builds) and unpacking them into a tree.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/arch.hpp"
#include "image/private_apt.hpp"

namespace auditvm::image {

// The packages a guest is built from: the kernel's meta package and the user space roots
// (systemd guests: systemd too).
std::vector<std::string> guest_packages(Arch arch, const Suite& suite);

// The exact packages of one build and the directory holding (or receiving) their .debs.
struct ResolvedPackages {
  std::vector<DebPackage> packages;
  std::filesystem::path debs_dir;
  bool online = true;  // false: built from --debs, nothing is downloaded
  std::map<std::string, std::string> versions() const;
};

// The kernel's own packages (linux-image-*, linux-binary-*, linux-modules-*, linux-base-*).
bool is_kernel_package(const std::string& name);
// "linux-image-6.1.0-57-amd64 6.1.192-3, ...": what errors about the kernel's files name.
std::string kernel_package_names(const ResolvedPackages& resolved);

// <cache_dir>/<kind>/<debian arch><suite tag>: apt state ("apt") or kept .debs ("debs") of a
// suite (bookworm: apt/amd64, as before suites; trixie: apt/amd64-trixie).
std::filesystem::path suite_state_dir(const std::filesystem::path& cache_dir, const std::string& kind, Arch arch, const Suite& suite);

// Online: the versions the suite's archive offers. Resolved with apt (network) when the last
// resolution is older than a day, the suite's sources changed, or `refresh`; otherwise the
// recorded versions are reused without any apt call. Downloads go to suite_state_dir(.., "debs",
// ..), which is kept for reuse (a valid --debs directory).
ResolvedPackages resolve_online(Arch arch, const Suite& suite, const std::filesystem::path& cache_dir, bool refresh, const Progress& progress);

// Offline: the guest's packages among the .debs of `dir` (those of suite.init's guest). InputError
// naming a missing package, or one present in two versions.
ResolvedPackages resolve_offline(Arch arch, const std::filesystem::path& dir, const Suite& suite = default_suite());

// Makes sure every .deb is on disk (downloading the missing ones) and returns their paths.
std::vector<std::filesystem::path> fetch_debs(Arch arch, const Suite& suite, const ResolvedPackages& resolved, const std::filesystem::path& cache_dir,
                                              const Progress& progress);

// Unpacks the files `keep` accepts from each .deb under root.
void extract_debs(const std::vector<std::filesystem::path>& debs, const std::filesystem::path& root,
                  const std::function<bool(const std::string& path)>& keep, const Progress& progress);

// Resolves `path` inside `root`, following symlinks as the guest would see them.
std::filesystem::path resolve_in_root(const std::filesystem::path& root, const std::string& path);

}  // namespace auditvm::image
