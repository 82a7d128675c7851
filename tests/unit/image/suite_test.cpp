// Debian suites: names, auditvm's own apt sources per suite (the host's are not used), the
// backports pin, and how images of several suites share one cache.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <tuple>

#include "image/builder.hpp"
#include "image/debian_packages.hpp"
#include "image/suite.hpp"
#include "image/systemd_layout.hpp"
#include "core/errors.hpp"
#include "core/files.hpp"
#include "support/temp_dir.hpp"

namespace auditvm::image {
namespace {

namespace fs = std::filesystem;

TEST(Suites, KnownNamesAndBookwormIsTheDefault) {
  EXPECT_EQ(default_suite().name, "bookworm");
  EXPECT_EQ(suite_names(), (std::vector<std::string>{"bookworm", "trixie", "sid", "trixie-backports"}));
  EXPECT_FALSE(parse_suite("buster"));
  auto backports = parse_suite("trixie-backports");
  ASSERT_TRUE(backports);
  EXPECT_EQ(backports->userspace, "trixie");
  EXPECT_EQ(backports->kernel, "trixie-backports");
}

TEST(Suites, EachHasItsOwnSourcesSignedByDebiansKeyring) {
  const std::string line = "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] ";
  EXPECT_EQ(sources_list(*parse_suite("trixie")), line + "http://deb.debian.org/debian trixie main\n" + line +
                                                      "http://deb.debian.org/debian trixie-updates main\n" + line +
                                                      "http://deb.debian.org/debian-security trixie-security main\n");
  EXPECT_EQ(sources_list(*parse_suite("sid")), line + "http://deb.debian.org/debian sid main\n");  // no updates, no security
  auto backports = sources_list(*parse_suite("trixie-backports"));
  EXPECT_NE(backports.find(" trixie main\n"), std::string::npos);  // the userspace
  EXPECT_NE(backports.find(" trixie-backports main\n"), std::string::npos);
}

TEST(Suites, OnlyBackportsPinsTheKernelPackages) {
  EXPECT_EQ(apt_preferences(*parse_suite("trixie")), "");
  auto pin = apt_preferences(*parse_suite("trixie-backports"));
  EXPECT_NE(pin.find("Package: linux-image-* linux-binary-* linux-modules-*"), std::string::npos);
  EXPECT_NE(pin.find("Pin: release n=trixie-backports"), std::string::npos);  // the codename: a= is stable-backports
  EXPECT_NE(pin.find("Pin-Priority: 990"), std::string::npos);
}

TEST(Suites, BookwormKeepsTheLayoutFromBeforeSuites) {
  EXPECT_EQ(suite_tag(default_suite()), "");
  EXPECT_EQ(suite_state_dir("/c", "apt", Arch::x86_64, default_suite()), fs::path("/c/apt/amd64"));
  EXPECT_EQ(suite_state_dir("/c", "debs", Arch::aarch64, *parse_suite("sid")), fs::path("/c/debs/arm64-sid"));
}

TEST(Suites, SystemdGuestsHaveTheirOwnNamesAndPackages) {
  const Suite systemd = with_init(default_suite(), GuestInit::systemd);
  EXPECT_EQ(suite_tag(systemd), "-systemd");
  EXPECT_EQ(suite_tag(with_init(*parse_suite("trixie"), GuestInit::systemd)), "-trixie-systemd");
  EXPECT_EQ(suite_state_dir("/c", "apt", Arch::x86_64, systemd), fs::path("/c/apt/amd64-systemd"));
  EXPECT_EQ(sources_list(systemd), sources_list(default_suite()));
  EXPECT_EQ(parse_init("systemd"), GuestInit::systemd);
  EXPECT_FALSE(parse_init("sysvinit"));
  auto packages = guest_packages(Arch::x86_64, systemd);
  EXPECT_NE(std::find(packages.begin(), packages.end(), "systemd"), packages.end());
  auto busybox = guest_packages(Arch::x86_64, default_suite());
  EXPECT_EQ(std::find(busybox.begin(), busybox.end(), "systemd"), busybox.end());
}

TEST(KernelPackages, BothPackagingsButNotTheKernelsOtherDependencies) {
  for (const char* name : {"linux-image-amd64", "linux-image-6.1.0-57-amd64", "linux-binary-7.2.13+deb14-amd64",
                           "linux-modules-7.2.13+deb14-amd64", "linux-base-7.3.4+deb13-amd64"})
    EXPECT_TRUE(is_kernel_package(name)) << name;
  for (const char* name : {"linux-base", "initramfs-tools", "kmod", "linux-firmware"}) EXPECT_FALSE(is_kernel_package(name)) << name;
}

class SuiteCache : public test::TempDirTest {
 protected:
  SuiteCache() : TempDirTest("suites") {}
  void image(const std::string& name) {
    fs::create_directories(dir_ / name);
    std::ofstream(dir_ / name / "manifest.json") << "{}";
  }
};

TEST_F(SuiteCache, PruneKeepsTheCurrentImageOfEachArchAndSuite) {
  for (const char* name : {"x86_64-inputs-bookworm", "x86_64-inputs-old", "x86_64-trixie-inputs-new", "x86_64-trixie-inputs-old",
                           "x86_64-trixie-backports-inputs-new", "x86_64-sid-inputs-new"})
    image(name);
  std::ofstream(dir_ / "x86_64.current") << "x86_64-inputs-bookworm\n";
  std::ofstream(dir_ / "x86_64-trixie.current") << "x86_64-trixie-inputs-new\n";
  std::ofstream(dir_ / "x86_64-trixie-backports.current") << "x86_64-trixie-backports-inputs-new\n";
  fs::create_directories(dir_ / ".build-x86_64-sid-4194303");  // a sid builder that died
  auto removed = prune_images(dir_);
  for (const char* kept : {"x86_64-inputs-bookworm", "x86_64-trixie-inputs-new", "x86_64-trixie-backports-inputs-new"})
    EXPECT_TRUE(fs::exists(dir_ / kept)) << kept;
  // sid has no current image: its one image is not current either.
  for (const char* gone : {"x86_64-inputs-old", "x86_64-trixie-inputs-old", "x86_64-sid-inputs-new", ".build-x86_64-sid-4194303"})
    EXPECT_FALSE(fs::exists(dir_ / gone)) << gone;
  EXPECT_EQ(removed.size(), 4U);
}

// `image list`: each image with its suite and PID 1 (busybox or systemd), told apart by the
// directory name as the builder names it, and whether it is the current one of its arch and flavour.
TEST_F(SuiteCache, ListShowsEachImagesSuiteAndFlavourAndWhichIsCurrent) {
  auto make = [&](const std::string& name, Arch arch, const std::string& suite) {
    fs::create_directories(dir_ / name);
    std::ofstream(dir_ / name / "vmlinux") << "k";
    std::ofstream(dir_ / name / "initrd.cpio") << "i";
    Manifest m;
    m.arch = arch;
    m.suite = suite;
    m.kernel = "vmlinux";
    m.initrd = "initrd.cpio";
    m.console = "ttyS0";
    m.module_path = "/m";
    m.helpers = {{"b64", "/h"}, {"b32", "/h"}};
    m.cache_key = name;
    save_manifest(m, dir_ / name / "manifest.json");
  };
  make("x86_64-inputs-bookworm", Arch::x86_64, "bookworm");
  make("x86_64-inputs-old", Arch::x86_64, "bookworm");
  make("x86_64-systemd-inputs-new", Arch::x86_64, "bookworm");
  make("x86_64-trixie-systemd-inputs-new", Arch::x86_64, "trixie");
  make("aarch64-trixie-inputs-new", Arch::aarch64, "trixie");
  std::ofstream(dir_ / "x86_64.current") << "x86_64-inputs-bookworm\n";
  std::ofstream(dir_ / "x86_64-trixie-systemd.current") << "x86_64-trixie-systemd-inputs-new\n";
  std::map<std::string, std::tuple<std::string, std::string, bool>> seen;  // key -> suite, flavour, current
  for (const auto& image : list_images(dir_))
    seen[image.manifest.cache_key] = {image.suite.name, init_name(image.suite.init), image.current};
  using T = std::tuple<std::string, std::string, bool>;
  EXPECT_EQ(seen, (std::map<std::string, T>{{"aarch64-trixie-inputs-new", T{"trixie", "busybox", false}},
                                            {"x86_64-inputs-bookworm", T{"bookworm", "busybox", true}},
                                            {"x86_64-inputs-old", T{"bookworm", "busybox", false}},
                                            {"x86_64-systemd-inputs-new", T{"bookworm", "systemd", false}},
                                            {"x86_64-trixie-systemd-inputs-new", T{"trixie", "systemd", true}}}));
  // In the order of their names, so the listing is stable.
  std::vector<std::string> order;
  for (const auto& image : list_images(dir_)) order.push_back(image.manifest.cache_key);
  EXPECT_TRUE(std::is_sorted(order.begin(), order.end()));
}

}  // namespace
}  // namespace auditvm::image

namespace auditvm::image {
namespace {

TEST(SystemdLayout, TheShippedLayoutParsesAndBadLinesNameFileAndLine) {
  auto entries = parse_systemd_layout(read_file(systemd_source_dir() / "layout", FileKind::data, 1 << 20), "layout");
  bool journald = false, backdoor = false;
  for (const auto& entry : entries) {
    journald |= entry.kind == SystemdLayoutEntry::Kind::unit && entry.path == "systemd-journald-audit.socket";
    backdoor |= entry.kind == SystemdLayoutEntry::Kind::wants && entry.path == "backdoor.service" && entry.target == "multi-user.target";
  }
  EXPECT_TRUE(journald);
  EXPECT_TRUE(backdoor);
  try {
    parse_systemd_layout("# comment\nunit a.service\nwant multi-user.target x.service\n", "f");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("f:3"), std::string::npos) << e.what();
  }
  EXPECT_THROW(parse_systemd_layout("wants multi-user.target\n", "f"), InputError);
  EXPECT_THROW(parse_systemd_layout("program /a /b\n", "f"), InputError);
}

}  // namespace
}  // namespace auditvm::image

namespace auditvm::image {
namespace {

// trixie merged /usr (base-files ships /lib -> usr/lib): its systemd 257 searches /usr/lib/systemd
// only, so the guest gets each file at the package's own path; bookworm's stay where they were.
TEST(SystemdLayout, FilesGoWhereTheSuitesPackagesHaveThem) {
  auto tree = test::make_temp_dir("package-path");
  fs::create_directories(tree / "usr/lib/systemd/system");
  fs::create_directories(tree / "etc");
  fs::create_symlink("usr/lib", tree / "lib");
  fs::create_symlink("/usr/bin", tree / "bin");
  EXPECT_EQ(package_path(tree, "/lib/systemd/systemd"), "/usr/lib/systemd/systemd");
  EXPECT_EQ(package_path(tree, "/lib/systemd/system"), "/usr/lib/systemd/system");
  EXPECT_EQ(package_path(tree, "/bin/systemctl"), "/usr/bin/systemctl");
  EXPECT_EQ(package_path(tree, "/etc/machine-id"), "/etc/machine-id");
  fs::remove(tree / "lib");
  fs::create_directories(tree / "lib/systemd");
  EXPECT_EQ(package_path(tree, "/lib/systemd/systemd"), "/lib/systemd/systemd");
  fs::remove_all(tree);
}

}  // namespace
}  // namespace auditvm::image
