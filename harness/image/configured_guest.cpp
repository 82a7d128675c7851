#include "image/configured_guest.hpp"

#include <unistd.h>

#include <atomic>

#include "core/errors.hpp"
#include "core/files.hpp"
#include "core/remove_on_exit.hpp"
#include "core/write_file.hpp"
#include "image/cache.hpp"
#include "image/initramfs_layout.hpp"

namespace auditvm::image {
namespace fs = std::filesystem;
namespace {

std::string key_of(const Manifest& base, const std::vector<OverlayFile>& files, const std::vector<std::string>& params) {
  std::string text = base.cache_key + "\n" + sha256_file(base.initrd) + "\n";
  for (const auto& file : files)
    text += file.path + "\n" + std::to_string(file.mode) + "\n" + file.link_target + "\n" + sha256_hex(file.contents) + "\n";
  for (const auto& param : params) text += param + "\n";
  return sha256_hex(text).substr(0, 16);
}

void write_overlay(const fs::path& out, const std::vector<OverlayFile>& files) {
  InitramfsLayout overlay(out);
  for (const auto& file : files) {
    if (file.link_target.empty()) overlay.file(file.path, file.contents, file.mode);
    else overlay.symlink(file.path, file.link_target);
  }
  overlay.close();
}

}  // namespace

Manifest configured_guest(const Manifest& base, const std::vector<OverlayFile>& files, const std::vector<std::string>& kernel_params) {
  const fs::path root = base.initrd.parent_path() / "configured";
  const fs::path dir = root / key_of(base, files, kernel_params);
  if (fs::exists(dir / "manifest.json")) return load_manifest(dir / "manifest.json");

  static std::atomic<unsigned> counter{0};
  const fs::path work = root / (".build-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  RemoveOnExit cleanup(work);
  std::error_code error;
  fs::create_directories(work, error);
  if (error) throw InfraError("cannot create " + work.string() + ": " + error.message());
  write_overlay(work / "overlay.cpio", files);
  // Two archives, one after the other: the kernel's initramfs unpacker reads them in order.
  write_file_atomic(work / "initrd.cpio", read_file(base.initrd, FileKind::data, kMaxGuestFileBytes) +
                                              read_file(work / "overlay.cpio", FileKind::data, kMaxGuestFileBytes));
  fs::remove(work / "overlay.cpio");
  Manifest m = base;
  m.initrd = "initrd.cpio";
  m.kernel_params.insert(m.kernel_params.end(), kernel_params.begin(), kernel_params.end());
  m.configuration_built_in = true;
  m.files["initrd.cpio"] = sha256_file(work / "initrd.cpio");
  save_manifest(m, work / "manifest.json");
  // World-readable, as the base image: libvirt's QEMU runs as another user.
  for (const auto& entry : fs::directory_iterator(work))
    fs::permissions(entry.path(), fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read | fs::perms::others_read);
  fs::permissions(work, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec | fs::perms::others_read | fs::perms::others_exec);
  fs::rename(work, dir, error);  // another caller may have been first: its copy is the same
  if (error && !fs::exists(dir / "manifest.json")) throw InfraError("cannot rename " + work.string() + " to " + dir.string() + ": " + error.message());
  return load_manifest(dir / "manifest.json");
}

}  // namespace auditvm::image
