// Where images live and how they are keyed: $XDG_CACHE_HOME/auditvm/images/<arch>-<key>/.
#pragma once

#include <filesystem>
#include <string>

namespace auditvm::image {

std::filesystem::path default_cache_dir();
std::string sha256_hex(const std::string& data);
std::string sha256_file(const std::filesystem::path& file);

// An exclusive flock on a file, held for the object's lifetime (concurrent builders wait).
class FileLock {
 public:
  explicit FileLock(const std::filesystem::path& file);
  ~FileLock();
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace auditvm::image
