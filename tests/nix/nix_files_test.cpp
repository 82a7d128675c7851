// The Nix side where it meets the C++ side, checked without nixpkgs (Debian's nix-bin only):
// every .nix file parses, the manifest Nix writes is the one auditvm reads, Nix reads the scenario
// fragments and expands the actions as C++ does, and nix/'s build scripts do what the derivations
// rely on.
#include <gtest/gtest.h>

#include <fstream>

#include "check/stig.hpp"
#include "core/process.hpp"
#include "image/manifest.hpp"
#include "scenario/guest_commands.hpp"
#include "scenario/scenario.hpp"
#include "support/temp_dir.hpp"

namespace auditvm {
namespace {

namespace fs = std::filesystem;
const fs::path kRoot = AUDITVM_SOURCE_ROOT;
const fs::path kNix = kRoot / "nix";

ProcessResult nix_eval(const std::string& expression, std::vector<std::string> extra = {}) {
  std::vector<std::string> argv{"nix-instantiate", "--eval", "--strict", "--json", "--expr", expression};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return run_process(argv);
}

std::string quoted(const std::string& text) { return nlohmann::json(text).dump(); }

using TempDir = test::TempDirTest;

TEST(NixFiles, EveryNixFileParses) {
  std::vector<fs::path> files{kRoot / "flake.nix"};
  for (const auto& entry : fs::directory_iterator(kNix))
    if (entry.path().extension() == ".nix") files.push_back(entry.path());
  ASSERT_GE(files.size(), 9U);
  for (const auto& file : files) {
    auto result = run_process({"nix-instantiate", "--parse", file.string()});
    EXPECT_EQ(result.exit_code, 0) << file << ": " << result.err;
  }
}

using NixManifest = TempDir;

TEST_F(NixManifest, TheManifestNixWritesIsTheOneAuditvmReads) {
  std::ofstream(dir_ / "kernel") << "k";
  std::ofstream(dir_ / "initrd") << "i";
  auto result = nix_eval("import " + (kNix / "manifest.nix").string() + " {" +
                         " arch = \"aarch64\"; console = \"ttyAMA0\"; toplevel = \"/nix/store/abc-system\";"
                         " kernel = " + quoted((dir_ / "kernel").string()) + "; initrd = " + quoted((dir_ / "initrd").string()) + ";"
                         " kernelVersion = \"6.12.1\"; kernelParams = [ \"audit=1\" \"console=ttyAMA0\" ]; memoryMib = 1024;"
                         " sharedDirectories = { nix-store = { source = \"/nix/store\"; target = \"/nix/.ro-store\"; }; };"
                         " helpers = { b64 = \"/nix/store/h/bin/modhelper-b64\"; b32 = \"/nix/store/h/bin/modhelper-b32\"; };"
                         " modulePath = \"/nix/store/m/nls_ascii.ko\"; moduleName = \"nls_ascii\"; packages = { audit = \"4.1.2\"; }; }");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  std::ofstream(dir_ / "manifest.json") << result.out;
  auto manifest = image::load_manifest(dir_ / "manifest.json");
  EXPECT_EQ(manifest.guest_kind, "nixos");
  EXPECT_TRUE(manifest.configuration_built_in);
  EXPECT_EQ(manifest.arch, Arch::aarch64);
  EXPECT_EQ(manifest.kernel, dir_ / "kernel");
  EXPECT_EQ(manifest.helpers.at("b32"), "/nix/store/h/bin/modhelper-b32");
  EXPECT_EQ(manifest.module_path, "/nix/store/m/nls_ascii.ko");
  // NixOS's own parameters, then init and the serial console last (the primary one).
  EXPECT_EQ(manifest.kernel_params,
            (std::vector<std::string>{"audit=1", "console=ttyAMA0", "init=/nix/store/abc-system/init", "console=ttyAMA0"}));
  EXPECT_EQ(manifest.memory_mib, 1024U);
  EXPECT_GE(manifest.boot_timeout_s, 300U);
  ASSERT_EQ(manifest.shared_directories.size(), 1U);
  EXPECT_EQ(manifest.shared_directories[0].host_path, "/nix/store");
  EXPECT_EQ(manifest.shared_directories[0].mount_tag, "nix-store");
  EXPECT_EQ(manifest.shared_directories[0].guest_path, "/nix/.ro-store");
  EXPECT_EQ(manifest.packages.at("audit"), "4.1.2");
}

TEST(NixScenarios, NixReadsEveryScenarioFragmentAsTheCppSideDoes) {
  for (const auto& file : scenario::scenario_files(check::shipped_scenarios_dir())) {
    auto loaded = scenario::load_scenario(file);
    auto result = nix_eval("map (c: c.nixos) (builtins.fromJSON (builtins.readFile " + file.string() + ")).configurations");
    ASSERT_EQ(result.exit_code, 0) << result.err;
    auto from_nix = nlohmann::json::parse(result.out);
    ASSERT_EQ(from_nix.size(), loaded.configurations.size()) << file;
    for (std::size_t i = 0; i < from_nix.size(); ++i) EXPECT_EQ(from_nix[i], loaded.configurations[i].nixos) << file << " #" << i;
  }
}

TEST(NixScenarios, TheNixOSTestsMakeTheCallsAuditvmMakes) {
  image::Manifest manifest;
  manifest.helpers = {{"b64", "/nix/store/h/bin/modhelper-b64"}, {"b32", "/nix/store/h/bin/modhelper-b32"}};
  manifest.module_path = "/nix/store/m/nls_ascii.ko";
  for (const auto& file : scenario::scenario_files(check::shipped_scenarios_dir())) {
    auto loaded = scenario::load_scenario(file);
    auto result = nix_eval("map (a: a.command) (import " + (kNix / "scenario.nix").string() + " {" +
                           " scenario = builtins.fromJSON (builtins.readFile " + file.string() + ");" +
                           " helpers = { b64 = \"/nix/store/h/bin/modhelper-b64\"; b32 = \"/nix/store/h/bin/modhelper-b32\"; };" +
                           " modulePath = \"/nix/store/m/nls_ascii.ko\"; })");
    ASSERT_EQ(result.exit_code, 0) << result.err;
    // The NixOS tests run one helper per call (a process that sets its own login uid); auditvm
    // batches them, but the callers and calls are the same, in the same order.
    std::string from_nix, expected;
    for (const auto& command : nlohmann::json::parse(result.out)) from_nix += command.get<std::string>() + "\n";
    for (const auto& call : scenario::action_calls(loaded)) {
      expected += manifest.helpers.at(std::string(to_string(call.abi))) + " --auid " + (call.auid ? std::to_string(*call.auid) : "unset") +
                  " --uid " + std::to_string(call.uid) + " --gid " + std::to_string(call.gid);
      if (call.syscall == "delete_module") expected += " --delete " + manifest.module_name;
      else expected += (call.syscall == "init_module" ? " --init " : " --finit ") + manifest.module_path;
      expected += "\n";
    }
    EXPECT_EQ(from_nix, expected) << file;
  }
}

using NixpkgsLookup = TempDir;

TEST_F(NixpkgsLookup, NixpkgsComesFromTheSearchPath) {
  // As nix_builder asks it: toString, so that the path is not copied into the store.
  auto result = nix_eval("toString (import " + (kNix / "nixpkgs.nix").string() + ")", {"-I", "nixpkgs=" + dir_.string()});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(nlohmann::json::parse(result.out), dir_.string());
}

TEST(NixpkgsLookupFails, WithoutOneTheErrorSaysWhatToSet) {
  // Debian's nix-bin has flakes off and, here, an empty NIX_PATH.
  auto result = run_process({"env", "NIX_PATH=", "nix-instantiate", "--eval", (kNix / "nixpkgs.nix").string()});
  EXPECT_NE(result.exit_code, 0);
  EXPECT_NE(result.err.find("set NIX_PATH (or AUDITVM_NIXPKGS)"), std::string::npos) << result.err;
}

using NixBuildScripts = TempDir;

TEST_F(NixBuildScripts, TheHelperRecipeBuildsBothX86Abis) {
  const std::string script = (kNix / "build-modhelper.sh").string(), source = (kRoot / "guest/modhelper").string();
  auto b64 = run_process({script, (dir_ / "b64").string(), "x86_64-linux-gnu", source, "/usr/include/x86_64-linux-gnu", "/usr/include"});
  ASSERT_EQ(b64.exit_code, 0) << b64.err;
  auto b32 = run_process({script, (dir_ / "b32").string(), "i686-linux-gnu", source, "/usr/i686-linux-gnu/include"});
  ASSERT_EQ(b32.exit_code, 0) << b32.err;
  // Without an operation the helper only reports its ABI and how to use it (exit 2). The i386
  // build is only inspected: the host kernel need not run 32-bit programs (this one does not).
  auto usage = run_process({(dir_ / "b64").string()});
  EXPECT_EQ(usage.exit_code, 2);
  EXPECT_EQ(nlohmann::json::parse(usage.out).at("abi"), "b64");
  for (const auto& [file, machine] : {std::pair{"b64", "Advanced Micro Devices X86-64"}, {"b32", "Intel 80386"}}) {
    auto header = run_process({"readelf", "-h", (dir_ / file).string()});
    EXPECT_NE(header.out.find(machine), std::string::npos) << header.out;
    EXPECT_NE(header.out.find("EXEC"), std::string::npos) << "static, not position independent: " << header.out;
  }
}

TEST_F(NixBuildScripts, TheHelperRecipeBuildsBothArmAbis) {
  const std::string script = (kNix / "build-modhelper.sh").string(), source = (kRoot / "guest/modhelper").string();
  for (const auto& [name, target, headers, machine] :
       {std::tuple{"b64", "aarch64-linux-gnu", "/usr/aarch64-linux-gnu/include", "AArch64"},
        std::tuple{"b32", "armv7a-linux-gnueabihf", "/usr/arm-linux-gnueabihf/include", "ARM"}}) {
    auto build = run_process({script, (dir_ / name).string(), target, source, headers});
    ASSERT_EQ(build.exit_code, 0) << build.err;
    auto header = run_process({"readelf", "-h", (dir_ / name).string()});
    EXPECT_NE(header.out.find(std::string("Machine:                           ") + machine), std::string::npos) << header.out;
    EXPECT_NE(header.out.find("EXEC"), std::string::npos) << "static, not position independent: " << header.out;
  }
}

TEST_F(NixBuildScripts, TheModuleRecipeDecompressesWhatKernelsShip) {
  const std::string image(4096, '\x7f');  // any bytes: the recipe only finds and decompresses
  fs::create_directories(dir_ / "plain/kernel/fs/nls");
  std::ofstream(dir_ / "plain/kernel/fs/nls/nls_ascii.ko") << image;
  for (const auto& [tool, suffix] : {std::pair{"xz", ".xz"}, {"zstd", ".zst"}, {"gzip", ".gz"}}) {
    fs::path tree = dir_ / tool / "kernel/fs/nls";
    fs::create_directories(tree);
    fs::copy_file(dir_ / "plain/kernel/fs/nls/nls_ascii.ko", tree / "nls_ascii.ko");
    ASSERT_EQ(run_process({tool, "-q", (tree / "nls_ascii.ko").string()}).exit_code, 0) << tool;
    ASSERT_TRUE(fs::exists(tree / (std::string("nls_ascii.ko") + suffix))) << tool;
  }
  for (const char* tree : {"plain", "xz", "zstd", "gzip"}) {
    fs::path out = dir_ / (std::string(tree) + ".ko");
    auto result = run_process({(kNix / "extract-module.sh").string(), (dir_ / tree).string(), "nls_ascii", out.string()});
    ASSERT_EQ(result.exit_code, 0) << tree << ": " << result.err;
    std::ifstream in(out, std::ios::binary);
    EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), image) << tree;
  }
  auto missing = run_process({(kNix / "extract-module.sh").string(), (dir_ / "plain").string(), "dummy", (dir_ / "x.ko").string()});
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE(missing.err.find("dummy is not a loadable module"), std::string::npos) << missing.err;
}

}  // namespace
}  // namespace auditvm
