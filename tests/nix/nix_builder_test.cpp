// The nix-build seam (image::build_nixos_guest), with tests/fake-nix-build standing in for
// nix-build on a small image made here: errors, what the manifest points at, and the cache.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "core/errors.hpp"
#include "core/process.hpp"
#include "image/cpio_writer.hpp"
#include "image/nix_builder.hpp"
#include "support/temp_dir.hpp"

namespace auditvm {
namespace {

namespace fs = std::filesystem;
const fs::path kRoot = AUDITVM_SOURCE_ROOT;

class NixBuilder : public test::TempDirTest {
 protected:
  NixBuilder() : TempDirTest("nixbuild") {}
  void SetUp() override {
    TempDirTest::SetUp();
    cache_ = dir_ / "cache" / "images";
    saved_path_ = std::getenv("PATH");
    ::setenv("PATH", ((kRoot / "tests/fake-nix-build").string() + ":" + saved_path_).c_str(), 1);
    fs::create_directories(dir_ / "nixpkgs");
    ::setenv("AUDITVM_NIXPKGS", (dir_ / "nixpkgs").c_str(), 1);
    ::setenv("FAKE_NIX_BUILD_BASE", make_base_image().c_str(), 1);
  }
  void TearDown() override {
    ::setenv("PATH", saved_path_.c_str(), 1);
    for (const char* name : {"AUDITVM_NIXPKGS", "FAKE_NIX_BUILD_BASE", "FAKE_NIX_BUILD_FAIL", "FAKE_NIX_BUILD_DROP"}) ::unsetenv(name);
    TempDirTest::TearDown();
  }

  // A guest image directory as `auditvm image build` leaves it, small: the stand-in only reads it.
  fs::path make_base_image() {
    fs::path image = dir_ / "image";
    fs::create_directories(image);
    std::ofstream(image / "vmlinux") << "kernel";
    {
      image::CpioWriter initrd(image / "initrd.cpio");
      initrd.add_directory("lib/modules/auditvm");
      initrd.add_file("lib/modules/auditvm/nls_ascii.ko", module_image_);
    }
    image::Manifest base;
    base.kernel = "vmlinux";
    base.initrd = "initrd.cpio";
    base.console = "ttyS0";
    base.kernel_params = {"console=ttyS0"};
    base.module_path = "/lib/modules/auditvm/nls_ascii.ko";
    base.helpers = {{"b64", "/opt/auditvm/modhelper-b64"}, {"b32", "/opt/auditvm/modhelper-b32"}};
    image::save_manifest(base, image / "manifest.json");
    return image;
  }

  std::string module_image_ = std::string("\x7f" "ELF", 4) + std::string(1000, 'm');
  nlohmann::json fragment_ = nlohmann::json::parse(R"({"security":{"audit":{"enable":true}}})");
  fs::path cache_;
  std::string saved_path_;
};

TEST_F(NixBuilder, MissingNixBuildIsAClearInfrastructureError) {
  ::setenv("PATH", "/nonexistent", 1);
  try {
    image::build_nixos_guest(fragment_, Arch::x86_64, cache_);
    FAIL() << "no error";
  } catch (const InfraError& e) {
    EXPECT_NE(std::string(e.what()).find("nix-build not found"), std::string::npos) << e.what();
  }
}

TEST_F(NixBuilder, AFailedBuildShowsItsLog) {
  ::setenv("FAKE_NIX_BUILD_FAIL", "1", 1);
  try {
    image::build_nixos_guest(fragment_, Arch::aarch64, cache_);
    FAIL() << "no error";
  } catch (const InfraError& e) {
    EXPECT_NE(std::string(e.what()).find("builder for '/nix/store/xxx-nixos-system.drv' failed"), std::string::npos) << e.what();
  }
}

TEST_F(NixBuilder, NoNixpkgsIsAnInfrastructureErrorSayingWhatToSet) {
  ::unsetenv("AUDITVM_NIXPKGS");
  std::string saved = std::getenv("NIX_PATH") ? std::getenv("NIX_PATH") : "";
  ::setenv("NIX_PATH", "", 1);
  try {
    image::build_nixos_guest(fragment_, Arch::x86_64, cache_);
    ADD_FAILURE() << "no error";
  } catch (const InfraError& e) {
    EXPECT_NE(std::string(e.what()).find("set NIX_PATH (or AUDITVM_NIXPKGS)"), std::string::npos) << e.what();
  }
  ::setenv("NIX_PATH", saved.c_str(), 1);
}

TEST_F(NixBuilder, AManifestWithoutAFieldNamesIt) {
  for (const char* field : {"helpers", "module_path", "kernel_params"}) {
    ::setenv("FAKE_NIX_BUILD_DROP", field, 1);
    try {
      image::build_nixos_guest(fragment_, Arch::x86_64, cache_);
      ADD_FAILURE() << "no error without " << field;
    } catch (const InputError& e) {
      EXPECT_EQ(e.where().field, std::string("/") + field);  // a JSON path, as every JSON loader names fields
      EXPECT_NE(e.where().file.find("result"), std::string::npos) << e.where().file;
    }
  }
}

TEST_F(NixBuilder, TheManifestPointsIntoTheSharedStore) {
  auto manifest = image::build_nixos_guest(fragment_, Arch::x86_64, cache_);
  EXPECT_EQ(manifest.guest_kind, "nixos");
  EXPECT_FALSE(manifest.configuration_built_in);  // the stand-in cannot build the configuration in
  EXPECT_EQ(manifest.kernel, dir_ / "image/vmlinux");
  ASSERT_EQ(manifest.shared_directories.size(), 1U);
  const auto& store = manifest.shared_directories[0];
  EXPECT_EQ(store.guest_path, "/nix/store");
  // Every guest path the runner uses is a file of the shared directory.
  auto host_file = [&](const std::string& guest_path) { return store.host_path / fs::path(guest_path).lexically_relative(store.guest_path); };
  for (const char* abi : {"b64", "b32"}) EXPECT_TRUE(fs::exists(host_file(manifest.helpers.at(abi)))) << abi;
  std::ifstream module(host_file(manifest.module_path), std::ios::binary);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(module), {}), module_image_);
  // The fragment Nix imported is the one given, as JSON.
  auto config = fs::path(manifest.shared_directories[0].host_path).parent_path() / "config.json";
  EXPECT_EQ(nlohmann::json::parse(std::ifstream(config)), fragment_);
}

TEST_F(NixBuilder, TheFragmentAuditvmWritesIsTheOneNixImports) {
  // Both ends of the seam: auditvm writes config.json, nix/default.nix reads it with
  // builtins.fromJSON (builtins.readFile configFile); Nix's value, printed back as JSON, is the fragment.
  auto fragment = nlohmann::json::parse(R"({"security":{"audit":{"enable":"lock","backlogLimit":8192,"failureMode":"panic",
    "rules":["-a always,exit -F arch=b64 -S init_module -F auid>=1000 -F auid!=unset -k m\u00e9","-w /etc/passwd -p wa"]},
    "auditd":{"enable":false}},"boot":{"kernel":{"sysctl":{"kernel.printk_ratelimit":0,"kernel.x":null}}}})");
  auto manifest = image::build_nixos_guest(fragment, Arch::aarch64, cache_);
  auto config = fs::path(manifest.shared_directories[0].host_path).parent_path() / "config.json";
  auto nix = run_process({"nix-instantiate", "--eval", "--strict", "--json", "--expr",
                          "builtins.fromJSON (builtins.readFile " + config.string() + ")"});
  ASSERT_EQ(nix.exit_code, 0) << nix.err;
  EXPECT_EQ(nlohmann::json::parse(nix.out), fragment);
}

TEST_F(NixBuilder, BuildsAreCachedByFragmentArchAndNixpkgs) {
  auto first = image::build_nixos_guest(fragment_, Arch::x86_64, cache_);
  ::setenv("FAKE_NIX_BUILD_FAIL", "1", 1);  // any further build fails: only the cache can answer
  EXPECT_EQ(image::build_nixos_guest(fragment_, Arch::x86_64, cache_).shared_directories[0].host_path, first.shared_directories[0].host_path);
  EXPECT_THROW(image::build_nixos_guest(fragment_, Arch::aarch64, cache_), InfraError);
  auto other = fragment_;
  other["security"]["auditd"]["enable"] = true;
  EXPECT_THROW(image::build_nixos_guest(other, Arch::x86_64, cache_), InfraError);
  fs::create_directories(dir_ / "nixpkgs-updated");
  ::setenv("AUDITVM_NIXPKGS", (dir_ / "nixpkgs-updated").c_str(), 1);
  EXPECT_THROW(image::build_nixos_guest(fragment_, Arch::x86_64, cache_), InfraError);
}

TEST_F(NixBuilder, AResultThatNoLongerLoadsIsBuiltAgain) {
  auto first = image::build_nixos_guest(fragment_, Arch::x86_64, cache_);
  fs::rename(dir_ / "image/vmlinux", dir_ / "image/vmlinux.gone");
  ::setenv("FAKE_NIX_BUILD_FAIL", "1", 1);
  EXPECT_THROW(image::build_nixos_guest(fragment_, Arch::x86_64, cache_), InfraError) << "the stale result was used";
  ::unsetenv("FAKE_NIX_BUILD_FAIL");
  fs::rename(dir_ / "image/vmlinux.gone", dir_ / "image/vmlinux");
  EXPECT_NO_THROW(image::build_nixos_guest(fragment_, Arch::x86_64, cache_));
}

}  // namespace
}  // namespace auditvm
