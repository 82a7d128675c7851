// Which Debian bookworm packages a guest is made of, where their .debs come from (the host's
// apt sources, or a directory for offline builds) and unpacking them into a tree.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/arch.hpp"
#include "image/private_apt.hpp"

namespace auditvm::image {

// The packages a guest is built from: the kernel's meta package and the user space roots.
std::vector<std::string> guest_packages(Arch arch);

// The exact packages of one build and the directory holding (or receiving) their .debs.
struct ResolvedPackages {
  std::vector<DebPackage> packages;
  std::filesystem::path debs_dir;
  bool online = true;  // false: built from --debs, nothing is downloaded
  std::map<std::string, std::string> versions() const;
};

// Online: the versions the host's apt sources offer now. Resolved with apt only when the host's
// package lists changed since the last resolution (or `refresh`), so an unchanged host costs no
// apt call. Downloads go to <cache_dir>/debs/<debian arch>, which is kept for reuse.
ResolvedPackages resolve_online(Arch arch, const std::filesystem::path& cache_dir, bool refresh, const Progress& progress);

// Offline: the guest's packages among the .debs of `dir`. InputError naming a missing package,
// or one present in two versions.
ResolvedPackages resolve_offline(Arch arch, const std::filesystem::path& dir);

// Makes sure every .deb is on disk (downloading the missing ones) and returns their paths.
std::vector<std::filesystem::path> fetch_debs(Arch arch, const ResolvedPackages& resolved, const std::filesystem::path& cache_dir,
                                              const Progress& progress);

// Unpacks the files `keep` accepts from each .deb under root.
void extract_debs(const std::vector<std::filesystem::path>& debs, const std::filesystem::path& root,
                  const std::function<bool(const std::string& path)>& keep, const Progress& progress);

// Resolves `path` inside `root`, following symlinks as the guest would see them.
std::filesystem::path resolve_in_root(const std::filesystem::path& root, const std::string& path);

}  // namespace auditvm::image
