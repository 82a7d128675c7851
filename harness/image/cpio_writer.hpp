// Writes an initramfs: a newc cpio archive, through libarchive.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

struct archive;

namespace auditvm::image {

class CpioWriter {
 public:
  explicit CpioWriter(const std::filesystem::path& output);
  ~CpioWriter();
  CpioWriter(const CpioWriter&) = delete;
  CpioWriter& operator=(const CpioWriter&) = delete;

  void add_directory(const std::string& path, unsigned mode = 0755);
  void add_file(const std::string& path, const std::string& contents, unsigned mode = 0644);
  void add_host_file(const std::string& path, const std::filesystem::path& host_file, unsigned mode);
  void add_symlink(const std::string& path, const std::string& target);
  void add_char_device(const std::string& path, unsigned major, unsigned minor, unsigned mode = 0600);
  void close();  // finishes the archive; also done by the destructor

 private:
  void add(const std::string& path, unsigned type_and_mode, const std::string* data, const std::string* link,
           unsigned major = 0, unsigned minor = 0);
  archive* archive_ = nullptr;
  std::filesystem::path output_;
};

}  // namespace auditvm::image
