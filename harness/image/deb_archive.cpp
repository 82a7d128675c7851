#include "image/deb_archive.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <memory>
#include <sstream>

#include "core/errors.hpp"

namespace auditvm::image {
namespace fs = std::filesystem;
namespace {

using ArchivePtr = std::unique_ptr<archive, int (*)(archive*)>;

ArchivePtr open_outer(const fs::path& deb) {
  ArchivePtr outer(archive_read_new(), archive_read_free);
  archive_read_support_format_ar(outer.get());
  if (archive_read_open_filename(outer.get(), deb.c_str(), 1 << 16) != ARCHIVE_OK)
    throw InputError({deb.string(), 0, ""}, std::string("cannot read package: ") + archive_error_string(outer.get()));
  return outer;
}

// The inner tar (any compression) is read straight out of the ar member, without a temp file.
la_ssize_t read_from_outer(archive*, void* outer, const void** buffer) {
  static thread_local char block[1 << 16];
  *buffer = block;
  return archive_read_data(static_cast<archive*>(outer), block, sizeof block);
}

ArchivePtr open_inner(archive* outer, const fs::path& deb) {
  ArchivePtr inner(archive_read_new(), archive_read_free);
  archive_read_support_filter_all(inner.get());
  archive_read_support_format_tar(inner.get());
  if (archive_read_open(inner.get(), outer, nullptr, read_from_outer, nullptr) != ARCHIVE_OK)
    throw InfraError("cannot read " + deb.string() + ": " + archive_error_string(inner.get()));
  return inner;
}

// Calls `visit` with the inner archive of the first ar member whose name starts with `prefix`.
template <typename Visit>
bool with_member(const fs::path& deb, const std::string& prefix, Visit visit) {
  ArchivePtr outer = open_outer(deb);
  archive_entry* entry;
  while (archive_read_next_header(outer.get(), &entry) == ARCHIVE_OK) {
    if (std::string(archive_entry_pathname(entry)).rfind(prefix, 0) != 0) continue;
    ArchivePtr inner = open_inner(outer.get(), deb);
    visit(inner.get());
    return true;
  }
  return false;
}

std::string without_dot_slash(std::string path) {
  while (path.rfind("./", 0) == 0) path.erase(0, 2);
  return path;
}

}  // namespace

DebControl read_deb_control(const fs::path& deb) {
  std::string control;
  bool found = with_member(deb, "control.tar", [&](archive* inner) {
    archive_entry* entry;
    while (archive_read_next_header(inner, &entry) == ARCHIVE_OK) {
      if (without_dot_slash(archive_entry_pathname(entry)) != "control") continue;
      control.resize(static_cast<size_t>(archive_entry_size(entry)));
      if (archive_read_data(inner, control.data(), control.size()) != static_cast<la_ssize_t>(control.size())) control.clear();
      return;
    }
  });
  if (!found || control.empty()) throw InputError({deb.string(), 0, "control"}, "not a Debian package (no control file)");
  DebControl fields;
  std::istringstream lines(control);
  for (std::string line; std::getline(lines, line);) {
    auto colon = line.find(": ");
    if (colon == std::string::npos || line[0] == ' ') continue;
    std::string name = line.substr(0, colon), value = line.substr(colon + 2);
    if (name == "Package") fields.package = value;
    else if (name == "Version") fields.version = value;
    else if (name == "Architecture") fields.architecture = value;
  }
  for (const auto& [field, value] : {std::pair{"Package", fields.package}, {"Version", fields.version}, {"Architecture", fields.architecture}})
    if (value.empty()) throw InputError({deb.string(), 0, field}, "the package's control file lacks this field");
  return fields;
}

void extract_deb(const fs::path& deb, const fs::path& root, const std::function<bool(const std::string&)>& keep) {
  ArchivePtr disk(archive_write_disk_new(), archive_write_free);
  // Paths are rewritten under root below; refuse ".." so a package cannot escape it.
  archive_write_disk_set_options(disk.get(), ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_SECURE_NODOTDOT);
  auto fail = [&](archive* where) {
    throw InfraError("cannot extract " + deb.filename().string() + " into " + root.string() + ": " + archive_error_string(where));
  };
  bool found = with_member(deb, "data.tar", [&](archive* inner) {
    archive_entry* entry;
    int status;
    while ((status = archive_read_next_header(inner, &entry)) == ARCHIVE_OK) {
      std::string path = without_dot_slash(archive_entry_pathname(entry));
      if (path.empty() || !keep(path)) continue;
      archive_entry_set_pathname(entry, (root / path).c_str());
      if (const char* target = archive_entry_hardlink(entry))
        archive_entry_set_hardlink(entry, (root / without_dot_slash(target)).c_str());
      if (archive_write_header(disk.get(), entry) != ARCHIVE_OK) fail(disk.get());
      const void* block;
      size_t size;
      la_int64_t offset;
      while ((status = archive_read_data_block(inner, &block, &size, &offset)) == ARCHIVE_OK)
        if (archive_write_data_block(disk.get(), block, size, offset) != ARCHIVE_OK) fail(disk.get());
      if (status != ARCHIVE_EOF) fail(inner);
      if (archive_write_finish_entry(disk.get()) != ARCHIVE_OK) fail(disk.get());
    }
    if (status != ARCHIVE_EOF) fail(inner);
  });
  if (!found) throw InputError({deb.string(), 0, "data.tar"}, "not a Debian package (no data archive)");
  if (archive_write_close(disk.get()) != ARCHIVE_OK) fail(disk.get());
}

}  // namespace auditvm::image
