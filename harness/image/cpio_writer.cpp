#include "image/cpio_writer.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>


#include "core/errors.hpp"
#include "core/files.hpp"

namespace auditvm::image {

CpioWriter::CpioWriter(const std::filesystem::path& output) : output_(output) {
  archive_ = archive_write_new();
  archive_write_set_format_cpio_newc(archive_);
  if (archive_write_open_filename(archive_, output.c_str()) != ARCHIVE_OK)
    throw InfraError("cannot write " + output.string() + ": " + archive_error_string(archive_));
}

CpioWriter::~CpioWriter() {
  try {
    close();
  } catch (...) {
  }
}

void CpioWriter::close() {
  if (!archive_) return;
  int status = archive_write_close(archive_);
  archive_write_free(archive_);
  archive_ = nullptr;
  if (status != ARCHIVE_OK) throw InfraError("cannot finish " + output_.string());
}

void CpioWriter::add(const std::string& path, unsigned type_and_mode, const std::string* data, const std::string* link,
                     unsigned major, unsigned minor) {
  archive_entry* entry = archive_entry_new();
  archive_entry_set_pathname(entry, path.c_str());
  archive_entry_set_mode(entry, type_and_mode);
  archive_entry_set_uid(entry, 0);
  archive_entry_set_gid(entry, 0);
  archive_entry_set_nlink(entry, S_ISDIR(type_and_mode) ? 2 : 1);
  archive_entry_set_size(entry, data ? static_cast<la_int64_t>(data->size()) : 0);
  if (link) archive_entry_set_symlink(entry, link->c_str());
  if (S_ISCHR(type_and_mode)) archive_entry_set_rdev(entry, makedev(major, minor));
  bool ok = archive_write_header(archive_, entry) == ARCHIVE_OK;
  if (ok && data && !data->empty())
    ok = archive_write_data(archive_, data->data(), data->size()) == static_cast<la_ssize_t>(data->size());
  archive_entry_free(entry);
  if (!ok) throw InfraError("cannot add " + path + " to " + output_.string() + ": " + archive_error_string(archive_));
}

void CpioWriter::add_directory(const std::string& path, unsigned mode) { add(path, S_IFDIR | mode, nullptr, nullptr); }

void CpioWriter::add_file(const std::string& path, const std::string& contents, unsigned mode) {
  add(path, S_IFREG | mode, &contents, nullptr);
}

void CpioWriter::add_host_file(const std::string& path, const std::filesystem::path& host_file, unsigned mode) {
  add_file(path, read_file(host_file, FileKind::data, kMaxGuestFileBytes), mode);
}

void CpioWriter::add_symlink(const std::string& path, const std::string& target) {
  add(path, S_IFLNK | 0777, nullptr, &target);
}

void CpioWriter::add_char_device(const std::string& path, unsigned major, unsigned minor, unsigned mode) {
  add(path, S_IFCHR | mode, nullptr, nullptr, major, minor);
}

}  // namespace auditvm::image
