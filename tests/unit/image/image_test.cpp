#include <gtest/gtest.h>

#include <archive.h>
#include <archive_entry.h>

#include <fstream>
#include <map>

#include "core/errors.hpp"
#include "image/builder.hpp"
#include "image/cpio_writer.hpp"
#include "image/initramfs_layout.hpp"
#include "image/manifest.hpp"
#include "support/file_size_limit.hpp"
#include "support/temp_dir.hpp"

namespace auditvm::image {
namespace {

namespace fs = std::filesystem;

using TempDir = test::TempDirTest;

TEST_F(TempDir, CpioRoundTripsThroughLibarchivesReader) {
  {
    CpioWriter cpio(dir_ / "initrd.cpio");
    cpio.add_directory("etc");
    cpio.add_file("etc/passwd", std::string("root:x:0:0\0binary", 17), 0600);
    cpio.add_symlink("bin/sh", "busybox");
    cpio.add_char_device("dev/console", 5, 1);
  }
  archive* reader = archive_read_new();
  archive_read_support_format_cpio(reader);
  ASSERT_EQ(archive_read_open_filename(reader, (dir_ / "initrd.cpio").c_str(), 4096), ARCHIVE_OK);
  std::map<std::string, std::string> seen;
  archive_entry* entry;
  while (archive_read_next_header(reader, &entry) == ARCHIVE_OK) {
    std::string name = archive_entry_pathname(entry);
    std::string data(static_cast<size_t>(archive_entry_size(entry)), '\0');
    if (!data.empty()) archive_read_data(reader, data.data(), data.size());
    if (archive_entry_filetype(entry) == AE_IFLNK) data = std::string("-> ") + archive_entry_symlink(entry);
    if (archive_entry_filetype(entry) == AE_IFCHR) data = "chr " + std::to_string(archive_entry_rdevmajor(entry)) + "," + std::to_string(archive_entry_rdevminor(entry));
    if (name == "etc/passwd") EXPECT_EQ(archive_entry_perm(entry), 0600U);
    seen[name] = data;
  }
  archive_read_free(reader);
  EXPECT_EQ(seen["etc/passwd"], std::string("root:x:0:0\0binary", 17));
  EXPECT_EQ(seen["bin/sh"], "-> busybox");
  EXPECT_EQ(seen["dev/console"], "chr 5,1");
  EXPECT_TRUE(seen.count("etc"));
}

// A library both the busybox guest's programs and systemd's need is in the initramfs once: the
// kernel unpacks every entry under TCG at boot, duplicates included (the systemd guest had libc,
// ld.so, libaudit and libcap-ng twice: 2.7 MB of its 29.8 MB).
TEST_F(TempDir, AHostFileAddedTwiceAtOnePathIsWrittenOnce) {
  std::ofstream(dir_ / "libc.so.6") << std::string(4096, 'c');
  std::ofstream(dir_ / "other") << "other";
  {
    InitramfsLayout initramfs(dir_ / "initrd.cpio");
    initramfs.host_file("/lib/libc.so.6", dir_ / "libc.so.6", 0755);
    initramfs.host_file("/lib/libc.so.6", dir_ / "libc.so.6", 0755);
    initramfs.host_file("/lib/x", dir_ / "libc.so.6", 0755);  // another path: written
    initramfs.host_file("/lib/x", dir_ / "other", 0755);      // another file at a path: written, last wins as before
  }
  archive* reader = archive_read_new();
  archive_read_support_format_cpio(reader);
  ASSERT_EQ(archive_read_open_filename(reader, (dir_ / "initrd.cpio").c_str(), 4096), ARCHIVE_OK);
  std::map<std::string, int> entries;
  archive_entry* entry;
  while (archive_read_next_header(reader, &entry) == ARCHIVE_OK) ++entries[archive_entry_pathname(entry)];
  archive_read_free(reader);
  EXPECT_EQ(entries["lib/libc.so.6"], 1);
  EXPECT_EQ(entries["lib/x"], 2);
}

TEST_F(TempDir, ManifestRoundTripsAndNamesMissingFields) {
  std::ofstream(dir_ / "vmlinux") << "k";
  std::ofstream(dir_ / "initrd.cpio") << "i";
  Manifest m;
  m.arch = Arch::aarch64;
  m.kernel = "vmlinux";
  m.initrd = "initrd.cpio";
  m.console = "ttyAMA0";
  m.kernel_params = {"console=ttyAMA0", "quiet"};
  m.module_path = "/lib/modules/auditvm/nls_ascii.ko";
  m.helpers = {{"b64", "/opt/auditvm/modhelper-b64"}, {"b32", "/opt/auditvm/modhelper-b32"}};
  save_manifest(m, dir_ / "manifest.json");
  auto back = load_manifest(dir_ / "manifest.json");
  EXPECT_EQ(back.arch, Arch::aarch64);
  EXPECT_EQ(back.kernel, dir_ / "vmlinux");  // relative paths resolve next to the manifest
  EXPECT_EQ(back.helpers.at("b32"), "/opt/auditvm/modhelper-b32");

  std::ofstream(dir_ / "bad.json") << R"({"arch":"aarch64","kernel":"vmlinux","initrd":"initrd.cpio","console":"ttyAMA0","kernel_params":[],"module_path":"/m","helpers":{"b64":"/h"}})";
  try {
    load_manifest(dir_ / "bad.json");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().field, "helpers.b32");
  }
}

// A full disk while the manifest is written: an InfraError naming it, and the manifest before
// stays whole (it was truncated and then left short, unnoticed, when the stream's last buffer
// failed only at close).
TEST_F(TempDir, AManifestThatCannotBeWrittenWholeIsAnInfraErrorAndTheOldOneStays) {
  std::ofstream(dir_ / "vmlinux") << "k";
  std::ofstream(dir_ / "initrd.cpio") << "i";
  Manifest m;
  m.arch = Arch::x86_64;
  m.kernel = "vmlinux";
  m.initrd = "initrd.cpio";
  m.console = "ttyS0";
  m.module_path = "/m";
  m.helpers = {{"b64", "/h64"}, {"b32", "/h32"}};
  save_manifest(m, dir_ / "manifest.json");
  m.kernel_params = {"console=ttyS0", std::string(4000, 'x')};
  try {
    test::FileSizeLimit limit(1000);
    save_manifest(m, dir_ / "manifest.json");
    ADD_FAILURE() << "no error";
  } catch (const InfraError& e) {
    EXPECT_NE(std::string(e.what()).find((dir_ / "manifest.json").string()), std::string::npos) << e.what();
  }
  EXPECT_TRUE(load_manifest(dir_ / "manifest.json").kernel_params.empty());
}

TEST(Cache, InputKeyDependsOnArchAndIsStable) {
  EXPECT_EQ(input_key(Arch::x86_64), input_key(Arch::x86_64));
  EXPECT_NE(input_key(Arch::x86_64), input_key(Arch::aarch64));
}

TEST_F(TempDir, PruneKeepsTheCurrentImageOfEachArchAndThePackages) {
  const fs::path cache = dir_ / "images";
  const std::string x86 = input_key(Arch::x86_64), arm = input_key(Arch::aarch64);
  for (const std::string& image : std::vector<std::string>{"x86_64-" + x86 + "-new", "x86_64-" + x86 + "-old", "aarch64-" + arm + "-old"}) {
    fs::create_directories(cache / image);
    std::ofstream(cache / image / "manifest.json") << "{}";
  }
  std::ofstream(cache / ("x86_64-" + x86 + ".current")) << "x86_64-" + x86 + "-new\n";
  fs::create_directories(cache / ".build-aarch64-4194303");  // a builder that died
  fs::create_directories(cache / "debs/arm64");
  fs::create_directories(cache / "apt/arm64");
  auto removed = prune_images(cache);
  EXPECT_EQ(removed.size(), 3U);
  EXPECT_TRUE(fs::exists(cache / ("x86_64-" + x86 + "-new/manifest.json")));
  for (const std::string& gone : std::vector<std::string>{"x86_64-" + x86 + "-old", "aarch64-" + arm + "-old", std::string(".build-aarch64-4194303")})
    EXPECT_FALSE(fs::exists(cache / gone)) << gone;
  EXPECT_TRUE(fs::exists(cache / "debs/arm64"));
  EXPECT_TRUE(fs::exists(cache / "apt/arm64"));
}

TEST_F(TempDir, OfflineBuildNamesTheMissingPackage) {
  BuildOptions options;
  options.cache_dir = dir_ / "cache";
  options.debs_dir = dir_;  // no .debs at all
  options.quiet = true;
  try {
    build_image(Arch::x86_64, options);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().field, "linux-image-amd64");
  }
  // The failed build left no image and no work directory behind.
  EXPECT_FALSE(find_image(Arch::x86_64, options.cache_dir));
  for (const auto& entry : fs::directory_iterator(options.cache_dir)) EXPECT_EQ(entry.path().extension(), ".lock");
}

}  // namespace
}  // namespace auditvm::image
