// Reading Debian packages (.deb: an ar archive holding control.tar.* and data.tar.*) with
// libarchive, so building a guest needs neither dpkg-deb nor a chroot.
#pragma once

#include <filesystem>
#include <functional>
#include <string>

namespace auditvm::image {

struct DebControl {
  std::string package;
  std::string version;
  std::string architecture;
};

// The Package, Version and Architecture fields of a .deb. Throws InputError naming the file when
// it is not a Debian package.
DebControl read_deb_control(const std::filesystem::path& deb);

// Extracts the files of a .deb's data archive whose path ("usr/bin/bash", no leading "./")
// `keep` accepts, under `root`. Throws InfraError naming the package and the reason (e.g. no space).
void extract_deb(const std::filesystem::path& deb, const std::filesystem::path& root,
                 const std::function<bool(const std::string& path)>& keep);

}  // namespace auditvm::image
