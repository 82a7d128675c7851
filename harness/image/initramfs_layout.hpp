// The initramfs being written: files, directories (each parent created once), links.
#pragma once

#include <filesystem>
#include <map>
#include <set>
#include <string>

#include "image/cpio_writer.hpp"

namespace auditvm::image {

// Adds files to the initramfs, creating each parent directory once.
class InitramfsLayout {
 public:
  explicit InitramfsLayout(const std::filesystem::path& output) : cpio_(output) {}

  void directory(const std::string& path) {
    if (path.empty() || path == "/" || dirs_.count(path)) return;
    directory(std::filesystem::path(path).parent_path().string());
    cpio_.add_directory(path.substr(1));
    dirs_.insert(path);
  }
  // A host file already written at the same path is not written again: the kernel unpacks every
  // entry at boot (libc is both the busybox guest's and systemd's). Another file at a path is
  // written after it, and wins, as an archive's later entry does.
  void host_file(const std::string& path, const std::filesystem::path& source, unsigned mode) {
    auto [at, fresh] = host_files_.emplace(path, source);
    if (!fresh && at->second == source) return;
    at->second = source;
    directory(std::filesystem::path(path).parent_path().string());
    cpio_.add_host_file(path.substr(1), source, mode);
  }
  void file(const std::string& path, const std::string& data, unsigned mode) {
    directory(std::filesystem::path(path).parent_path().string());
    cpio_.add_file(path.substr(1), data, mode);
  }
  void symlink(const std::string& path, const std::string& target) {
    directory(std::filesystem::path(path).parent_path().string());
    cpio_.add_symlink(path.substr(1), target);
  }
  void console() {
    directory("/dev");
    cpio_.add_char_device("dev/console", 5, 1);  // the kernel opens it for /init before devtmpfs
  }
  void close() { cpio_.close(); }

 private:
  CpioWriter cpio_;
  std::set<std::string> dirs_;
  std::map<std::string, std::filesystem::path> host_files_;  // guest path -> the host file last written there
};

}  // namespace auditvm::image
