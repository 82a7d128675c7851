// Getting Debian bookworm packages for a guest arch into a directory tree, without installing
// them: mmdebstrap --variant=extract through the host's apt sources, or .debs already on disk.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/arch.hpp"

namespace auditvm::image {

struct PackageTree {
  std::filesystem::path root;
  std::map<std::string, std::string> versions;  // package -> version
};

// The packages a guest is made of (the kernel's meta package resolves per arch).
std::vector<std::string> guest_packages(Arch arch);

PackageTree fetch_packages(Arch arch, const std::filesystem::path& root, bool quiet);
// Offline: extracts every .deb of DIR for the arch; InputError naming a missing package.
PackageTree extract_debs(Arch arch, const std::filesystem::path& debs_dir, const std::filesystem::path& root);

// Resolves `path` inside `root`, following symlinks as the guest would see them.
std::filesystem::path resolve_in_root(const std::filesystem::path& root, const std::string& path);

}  // namespace auditvm::image
