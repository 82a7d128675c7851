// Debian suites: names, auditvm's own apt sources per suite (the host's are not used), the
// backports pin, and how images of several suites share one cache.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
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
  // An image directory find_image and list_images accept: kernel, initrd and a whole manifest.
  void bootable_image(const std::string& name, Arch arch, const std::string& suite = "") {
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
  }
};

// Images are <flavour>-<inputs>-<versions>; <flavour>-<inputs>.current names the last build for
// those inputs. `mine` is this checkout's inputs for a flavour, `theirs` another checkout's.
TEST_F(SuiteCache, PruneKeepsTheLastImageOfEachInputsAndDropsOldOtherInputs) {
  const std::string mine = input_key(Arch::x86_64), trixie = input_key(Arch::x86_64, *parse_suite("trixie"));
  const std::string theirs = "0123456789abcdef", gone = "fedcba9876543210";
  for (const std::string& name : std::vector<std::string>{"x86_64-" + mine + "-new", "x86_64-" + mine + "-old", "x86_64-" + theirs + "-new", "x86_64-" + theirs + "-old",
                                  "x86_64-" + gone + "-new", "x86_64-trixie-" + trixie + "-new", "x86_64-trixie-" + trixie + "-old",
                                  "x86_64-sid-" + theirs + "-new"})
    image(name);
  std::ofstream(dir_ / ("x86_64-" + mine + ".current")) << "x86_64-" + mine + "-new\n";
  std::ofstream(dir_ / ("x86_64-" + theirs + ".current")) << "x86_64-" + theirs + "-new\n";
  std::ofstream(dir_ / ("x86_64-" + gone + ".current")) << "x86_64-" + gone + "-new\n";
  std::ofstream(dir_ / ("x86_64-trixie-" + trixie + ".current")) << "x86_64-trixie-" + trixie + "-new\n";
  std::ofstream(dir_ / "x86_64.current") << "x86_64-" + theirs + "-old\n";  // the one pointer per suite of before
  // Another checkout that has not built for 8 days; this checkout's own pointer is as old and stays.
  const auto old = fs::file_time_type::clock::now() - std::chrono::hours(24 * 8);
  fs::last_write_time(dir_ / ("x86_64-" + gone + ".current"), old);
  fs::last_write_time(dir_ / ("x86_64-trixie-" + trixie + ".current"), old);
  fs::create_directories(dir_ / ".build-x86_64-sid-4194303");  // a sid builder that died
  auto removed = prune_images(dir_);
  for (const std::string& kept : std::vector<std::string>{"x86_64-" + mine + "-new", "x86_64-" + theirs + "-new", "x86_64-trixie-" + trixie + "-new",
                                  "x86_64-" + mine + ".current", "x86_64-" + theirs + ".current", "x86_64-trixie-" + trixie + ".current"})
    EXPECT_TRUE(fs::exists(dir_ / kept)) << kept;
  // sid's one image has no pointer: not the last build of its inputs either.
  for (const std::string& name : std::vector<std::string>{"x86_64-" + mine + "-old", "x86_64-" + theirs + "-old", "x86_64-" + gone + "-new", "x86_64-" + gone + ".current",
                                  "x86_64-trixie-" + trixie + "-old", "x86_64-sid-" + theirs + "-new", std::string(".build-x86_64-sid-4194303"),
                                  "x86_64.current"})
    EXPECT_FALSE(fs::exists(dir_ / name)) << name;
  EXPECT_EQ(removed.size(), 8U);
}

// The image `run` and the VM tests boot is the one this checkout's inputs' pointer names: a build
// by a checkout with other guest inputs (its own pointer, newer) changes nothing here, and with no
// pointer of its own a checkout has no image rather than another's.
TEST_F(SuiteCache, FindImageTakesThisCheckoutsInputsAndNeverAnothers) {
  const std::string mine = input_key(Arch::x86_64), theirs = "0123456789abcdef";
  auto make = [&](const std::string& name) { bootable_image(name, Arch::x86_64); };
  make("x86_64-" + theirs + "-v1");
  std::ofstream(dir_ / ("x86_64-" + theirs + ".current")) << "x86_64-" + theirs + "-v1\n";
  std::ofstream(dir_ / "x86_64.current") << "x86_64-" + theirs + "-v1\n";  // the shared pointer of before
  EXPECT_FALSE(find_image(Arch::x86_64, dir_));
  make("x86_64-" + mine + "-v1");
  std::ofstream(dir_ / ("x86_64-" + mine + ".current")) << "x86_64-" + mine + "-v1\n";
  make("x86_64-" + theirs + "-v2");  // the other checkout builds again, after this one
  std::ofstream(dir_ / ("x86_64-" + theirs + ".current")) << "x86_64-" + theirs + "-v2\n";
  auto found = find_image(Arch::x86_64, dir_);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->cache_key, "x86_64-" + mine + "-v1");
  // Another flavour of the same arch (trixie, systemd) has inputs and a pointer of its own.
  EXPECT_FALSE(find_image(Arch::x86_64, *parse_suite("trixie"), dir_));
  EXPECT_FALSE(find_image(Arch::x86_64, with_init(default_suite(), GuestInit::systemd), dir_));
  // A pointer naming another inputs' directory was not written by the builder: no image.
  std::ofstream(dir_ / ("x86_64-" + mine + ".current")) << "x86_64-" + theirs + "-v2\n";
  EXPECT_FALSE(find_image(Arch::x86_64, dir_));
}

// The suite's packages are guest inputs: systemd's guest asks for more, so its key differs even
// before its own files count; suites differ by their sources.
TEST(Cache, InputKeyCoversThePackagesAndSourcesOfTheSuite) {
  EXPECT_NE(input_key(Arch::x86_64), input_key(Arch::x86_64, *parse_suite("trixie")));
  EXPECT_NE(input_key(Arch::x86_64, *parse_suite("trixie")), input_key(Arch::x86_64, *parse_suite("trixie-backports")));
  EXPECT_NE(input_key(Arch::x86_64), input_key(Arch::x86_64, with_init(default_suite(), GuestInit::systemd)));
  EXPECT_EQ(input_key(Arch::x86_64).size(), 16U);
}

// `image list`: each image with its suite and PID 1 (busybox or systemd), told apart by the
// directory name as the builder names it; `current` when this checkout boots it, `latest` when its
// inputs' pointer names it (another checkout's when not current).
TEST_F(SuiteCache, ListShowsEachImagesSuiteAndFlavourAndWhichThisCheckoutBoots) {
  auto make = [&](const std::string& name, Arch arch, const std::string& suite) { bootable_image(name, arch, suite); };
  const std::string mine = input_key(Arch::x86_64), theirs = "0123456789abcdef";
  const std::string systemd = input_key(Arch::x86_64, with_init(*parse_suite("trixie"), GuestInit::systemd));
  make("x86_64-" + mine + "-bookworm", Arch::x86_64, "bookworm");
  make("x86_64-" + mine + "-old", Arch::x86_64, "bookworm");
  make("x86_64-" + theirs + "-bookworm", Arch::x86_64, "bookworm");
  make("x86_64-systemd-" + theirs + "-new", Arch::x86_64, "bookworm");
  make("x86_64-trixie-systemd-" + systemd + "-new", Arch::x86_64, "trixie");
  make("aarch64-trixie-" + theirs + "-new", Arch::aarch64, "trixie");
  std::ofstream(dir_ / ("x86_64-" + mine + ".current")) << "x86_64-" + mine + "-bookworm\n";
  std::ofstream(dir_ / ("x86_64-" + theirs + ".current")) << "x86_64-" + theirs + "-bookworm\n";
  std::ofstream(dir_ / ("x86_64-trixie-systemd-" + systemd + ".current")) << "x86_64-trixie-systemd-" + systemd + "-new\n";
  std::map<std::string, std::tuple<std::string, std::string, bool, bool>> seen;  // key -> suite, flavour, current, latest
  for (const auto& image : list_images(dir_))
    seen[image.manifest.cache_key] = {image.suite.name, init_name(image.suite.init), image.current, image.latest};
  using T = std::tuple<std::string, std::string, bool, bool>;
  EXPECT_EQ(seen, (std::map<std::string, T>{{"aarch64-trixie-" + theirs + "-new", T{"trixie", "busybox", false, false}},
                                            {"x86_64-" + mine + "-bookworm", T{"bookworm", "busybox", true, true}},
                                            {"x86_64-" + mine + "-old", T{"bookworm", "busybox", false, false}},
                                            {"x86_64-" + theirs + "-bookworm", T{"bookworm", "busybox", false, true}},
                                            {"x86_64-systemd-" + theirs + "-new", T{"bookworm", "systemd", false, false}},
                                            {"x86_64-trixie-systemd-" + systemd + "-new", T{"trixie", "systemd", true, true}}}));
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
