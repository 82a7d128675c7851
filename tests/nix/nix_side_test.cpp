// The seams between Nix and C++ that can run without nixpkgs: every .nix file parses, the
// manifest Nix writes is the one auditvm reads, and Nix reads the scenario fragments as C++ does.
#include <gtest/gtest.h>

#include <fstream>

#include "check/stig.hpp"
#include "core/process.hpp"
#include "image/manifest.hpp"
#include "scenario/scenario.hpp"

namespace auditvm {
namespace {

namespace fs = std::filesystem;
const fs::path kRoot = AUDITVM_SOURCE_ROOT;

ProcessResult nix_eval(const std::string& expression) {
  return run_process({"nix-instantiate", "--eval", "--strict", "--json", "-E", expression});
}

TEST(NixSide, EveryNixFileParses) {
  std::vector<fs::path> files{kRoot / "flake.nix"};
  for (const auto& entry : fs::directory_iterator(kRoot / "nix"))
    if (entry.path().extension() == ".nix") files.push_back(entry.path());
  ASSERT_GE(files.size(), 5U);
  for (const auto& file : files) {
    auto result = run_process({"nix-instantiate", "--parse", file.string()});
    EXPECT_EQ(result.exit_code, 0) << file << ": " << result.err;
  }
}

TEST(NixSide, TheManifestNixWritesIsTheOneAuditvmReads) {
  char pattern[] = "/tmp/auditvm-nix-XXXXXX";
  fs::path dir = ::mkdtemp(pattern);
  std::ofstream(dir / "kernel") << "k";
  std::ofstream(dir / "initrd") << "i";
  auto result = nix_eval("import " + (kRoot / "nix/manifest.nix").string() +
                         " { arch = \"aarch64\"; console = \"ttyAMA0\"; toplevel = \"/nix/store/abc-system\"; kernel = \"" +
                         (dir / "kernel").string() + "\"; initrd = \"" + (dir / "initrd").string() +
                         "\"; kernelVersion = \"6.12.1\"; kernelParams = [ \"audit=1\" ]; helpers = { b64 = \"/nix/store/h64\"; b32 = \"/nix/store/h32\"; };"
                         " modulePath = \"/nix/store/k/nls_ascii.ko\"; }");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  std::ofstream(dir / "manifest.json") << result.out;
  auto manifest = image::load_manifest(dir / "manifest.json");
  EXPECT_EQ(manifest.guest_kind, "nixos");
  EXPECT_EQ(manifest.arch, Arch::aarch64);
  EXPECT_EQ(manifest.helpers.at("b32"), "/nix/store/h32");
  EXPECT_EQ(manifest.kernel_params, (std::vector<std::string>{"console=ttyAMA0", "init=/nix/store/abc-system/init", "audit=1"}));
  ASSERT_EQ(manifest.shared_directories.size(), 1U);
  EXPECT_EQ(manifest.shared_directories[0].mount_tag, "nix-store");
  fs::remove_all(dir);
}

TEST(NixSide, NixReadsEveryScenarioFragmentAsTheCppSideDoes) {
  for (const auto& file : scenario::scenario_files(check::shipped_scenarios_dir())) {
    auto loaded = scenario::load_scenario(file);
    auto result = nix_eval("map (c: c.nixos) (builtins.fromJSON (builtins.readFile " + file.string() + ")).configurations");
    ASSERT_EQ(result.exit_code, 0) << result.err;
    auto from_nix = nlohmann::json::parse(result.out);
    ASSERT_EQ(from_nix.size(), loaded.configurations.size()) << file;
    for (std::size_t i = 0; i < from_nix.size(); ++i) EXPECT_EQ(from_nix[i], loaded.configurations[i].nixos) << file << " #" << i;
  }
}

}  // namespace
}  // namespace auditvm

// The nix-build seam, with tests/fake-nix-build standing in for Nix (see that script).
#include "image/nix_builder.hpp"
#include "core/errors.hpp"

namespace auditvm {
namespace {

class NixBuilder : public testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/auditvm-nixbuild-XXXXXX";
    cache_ = fs::path(::mkdtemp(pattern)) / "images";
    path_ = std::getenv("PATH");
    ::setenv("PATH", (kRoot.string() + "/tests/fake-nix-build:" + path_).c_str(), 1);
    ::setenv("AUDITVM_BIN", AUDITVM_BINARY, 1);
    ::setenv("AUDITVM_MODHELPER_DIR", AUDITVM_MODHELPER_DIR, 1);
  }
  void TearDown() override {
    ::setenv("PATH", path_.c_str(), 1);
    ::unsetenv("FAKE_NIX_BUILD_FAIL");
    ::unsetenv("FAKE_NIX_BUILD_DROP");
    fs::remove_all(cache_.parent_path());
  }
  nlohmann::json fragment_ = nlohmann::json::parse(R"({"security":{"audit":{"enable":true}}})");
  fs::path cache_;
  std::string path_;
};

TEST_F(NixBuilder, MissingNixBuildIsAClearInfrastructureError) {
  ::setenv("PATH", "/nonexistent", 1);
  try {
    image::build_nixos_guest(fragment_, Arch::x86_64, cache_);
    FAIL();
  } catch (const InfraError& e) {
    EXPECT_NE(std::string(e.what()).find("nix-build not found"), std::string::npos);
  }
}

TEST_F(NixBuilder, AFailedBuildShowsItsLog) {
  ::setenv("FAKE_NIX_BUILD_FAIL", "1", 1);
  try {
    image::build_nixos_guest(fragment_, Arch::aarch64, cache_);
    FAIL();
  } catch (const InfraError& e) {
    EXPECT_NE(std::string(e.what()).find("builder for '/nix/store/xxx-nixos-system.drv' failed"), std::string::npos) << e.what();
  }
}

TEST_F(NixBuilder, AManifestWithoutAFieldNamesIt) {
  ::setenv("FAKE_NIX_BUILD_DROP", "helpers", 1);
  try {
    image::build_nixos_guest(fragment_, Arch::x86_64, cache_);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().field, "helpers");
  }
}

TEST_F(NixBuilder, BuildsAreCachedByFragmentAndArch) {
  auto first = image::build_nixos_guest(fragment_, Arch::x86_64, cache_);
  EXPECT_EQ(first.guest_kind, "nixos");
  ::setenv("FAKE_NIX_BUILD_FAIL", "1", 1);  // a second build would fail: the cache answers
  EXPECT_NO_THROW(image::build_nixos_guest(fragment_, Arch::x86_64, cache_));
  EXPECT_THROW(image::build_nixos_guest(fragment_, Arch::aarch64, cache_), InfraError);
}

}  // namespace
}  // namespace auditvm
