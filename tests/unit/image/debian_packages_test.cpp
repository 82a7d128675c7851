// Where a guest's packages come from: apt's --print-uris lines, .deb files read with libarchive
// (packages made here with dpkg-deb), offline resolution from a directory, and image keys.
#include <gtest/gtest.h>

#include <fstream>

#include "core/errors.hpp"
#include "core/process.hpp"
#include "image/builder.hpp"
#include "image/deb_archive.hpp"
#include "image/debian_packages.hpp"
#include "image/private_apt.hpp"
#include "support/temp_dir.hpp"

namespace auditvm::image {
namespace {

namespace fs = std::filesystem;

class Debs : public test::TempDirTest {
 protected:
  Debs() : TempDirTest("debs") {}

  // A real .deb, built by dpkg-deb (xz-compressed data, as Debian's archive ships them).
  fs::path make_deb(const std::string& name, const std::string& version, const std::string& arch,
                    const std::map<std::string, std::string>& files) {
    fs::path tree = dir_ / ("src-" + name + "-" + version);
    fs::create_directories(tree / "DEBIAN");
    std::ofstream(tree / "DEBIAN/control") << "Package: " << name << "\nVersion: " << version << "\nArchitecture: " << arch
                                           << "\nMaintainer: auditvm <auditvm@example.org>\nDescription: test package\n long text\n";
    for (const auto& [path, contents] : files) {
      fs::create_directories((tree / path).parent_path());
      std::ofstream(tree / path) << contents;
    }
    fs::create_directories(dir_ / "debs");
    fs::path deb = dir_ / "debs" / (name + "_" + version + "_" + arch + ".deb");
    auto built = run_process({"dpkg-deb", "-Zxz", "--root-owner-group", "--build", tree.string(), deb.string()});
    EXPECT_EQ(built.exit_code, 0) << built.err;
    return deb;
  }
};

TEST(PrintUris, ParsesNamesVersionsSizesAndHashes) {
  auto packages = parse_print_uris(
      "'http://deb.debian.org/debian/pool/main/a/audit/auditd_3.0.9-1_arm64.deb' auditd_1%3a3.0.9-1_arm64.deb 206028 SHA256:ab12\n"
      "Reading package lists...\n"
      "'http://deb.debian.org/debian/pool/main/b/bash/bash_5.2.15-2+b7_arm64.deb' bash_5.2.15-2+b7_arm64.deb 1434896\n"
      // The security archive's packages come without a hash, the size followed by a space.
      "'http://deb.debian.org/debian-security/pool/updates/main/k/krb5/libkrb5-3_1.21.3-5%2bdeb13u2_amd64.deb' "
      "libkrb5-3_1.21.3-5+deb13u2_amd64.deb 328056 \n");
  ASSERT_EQ(packages.size(), 3U);
  EXPECT_EQ(packages[2].name, "libkrb5-3");
  EXPECT_EQ(packages[2].version, "1.21.3-5+deb13u2");
  EXPECT_EQ(packages[2].size, 328056U);
  EXPECT_EQ(packages[0].name, "auditd");
  EXPECT_EQ(packages[0].version, "1:3.0.9-1");  // the epoch, URL-decoded
  EXPECT_EQ(packages[0].filename, "auditd_1%3a3.0.9-1_arm64.deb");
  EXPECT_EQ(packages[0].size, 206028U);
  EXPECT_EQ(packages[0].sha256, "ab12");
  EXPECT_EQ(packages[1].name, "bash");
  EXPECT_EQ(packages[1].sha256, "");
}

TEST_F(Debs, ReadsTheControlFieldsAndExtractsWhatIsKept) {
  auto deb = make_deb("auditd", "1:3.0.9-1", "arm64", {{"sbin/auditctl", "elf"}, {"usr/share/doc/auditd/README", "doc"}});
  auto control = read_deb_control(deb);
  EXPECT_EQ(control.package, "auditd");
  EXPECT_EQ(control.version, "1:3.0.9-1");
  EXPECT_EQ(control.architecture, "arm64");
  extract_deb(deb, dir_ / "root", [](const std::string& path) { return path.rfind("usr/share/doc/", 0) != 0; });
  std::ifstream tool(dir_ / "root/sbin/auditctl");
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(tool), {}), "elf");
  EXPECT_FALSE(fs::exists(dir_ / "root/usr/share/doc/auditd/README"));
}

TEST_F(Debs, AFileThatIsNoPackageIsNamed) {
  std::ofstream(dir_ / "broken.deb") << "not an ar archive";
  try {
    read_deb_control(dir_ / "broken.deb");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().file, (dir_ / "broken.deb").string());
  }
}

TEST_F(Debs, OfflineResolutionTakesTheArchsPackagesAndNamesWhatIsMissing) {
  make_deb("linux-image-6.1.0-56-arm64", "6.1.192-2", "arm64", {});
  make_deb("busybox-static", "1:1.35.0-4+b3", "arm64", {});
  make_deb("bash", "5.2.15-2+b7", "arm64", {});
  make_deb("bash", "5.2.15-2+b7", "amd64", {});  // another arch: ignored
  try {
    resolve_offline(Arch::aarch64, dir_ / "debs");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().field, "auditd");
    EXPECT_NE(std::string(e.what()).find("missing from --debs"), std::string::npos);
  }
  make_deb("auditd", "1:3.0.9-1", "arm64", {});
  auto resolved = resolve_offline(Arch::aarch64, dir_ / "debs");
  EXPECT_FALSE(resolved.online);
  auto versions = resolved.versions();
  EXPECT_EQ(versions.size(), 4U);
  EXPECT_EQ(versions.at("bash"), "5.2.15-2+b7");
  EXPECT_EQ(versions.at("linux-image-6.1.0-56-arm64"), "6.1.192-2");
}

TEST_F(Debs, TwoVersionsOfOnePackageAreAmbiguous) {
  make_deb("bash", "5.2.15-2+b7", "arm64", {});
  make_deb("bash", "5.2.15-2+b8", "arm64", {});
  try {
    resolve_offline(Arch::aarch64, dir_ / "debs");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().field, "bash");
  }
}

TEST(ImageKey, ChangesWithAnyPackageVersionAndKeepsTheInputsAsPrefix) {
  std::map<std::string, std::string> versions{{"auditd", "1:3.0.9-1"}, {"linux-image-6.1.0-56-arm64", "6.1.192-2"}};
  auto key = image_key("0123456789abcdef", versions);
  EXPECT_EQ(key.rfind("0123456789abcdef-", 0), 0U);
  EXPECT_EQ(key, image_key("0123456789abcdef", versions));
  versions["linux-image-6.1.0-56-arm64"] = "6.1.193-1";
  EXPECT_NE(key, image_key("0123456789abcdef", versions));
}

}  // namespace
}  // namespace auditvm::image
