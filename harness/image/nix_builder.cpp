#include "image/nix_builder.hpp"

#include <algorithm>
#include <cstdlib>

#include "core/errors.hpp"
#include "core/write_file.hpp"
#include "core/project_root.hpp"
#include "core/process.hpp"
#include "image/cache.hpp"


namespace auditvm::image {
namespace fs = std::filesystem;
namespace {

// -I nixpkgs=... when the user names one; otherwise Nix finds it (nix/nixpkgs.nix).
std::vector<std::string> nixpkgs_arguments() {
  const char* nixpkgs = std::getenv("AUDITVM_NIXPKGS");
  if (!nixpkgs || !*nixpkgs) return {};
  return {"-I", std::string("nixpkgs=") + nixpkgs};
}

// The nixpkgs the build will use, resolved (a channel symlink becomes its store path), so that
// updating it makes a new build rather than reusing the cached one.
std::string resolved_nixpkgs() {
  std::vector<std::string> argv{"nix-instantiate", "--eval", "--json", "--expr",
                                "toString (import " + (project_root() / "nix/nixpkgs.nix").string() + ")"};
  for (const auto& arg : nixpkgs_arguments()) argv.push_back(arg);
  auto result = run_process(argv);
  if (result.exit_code != 0) throw InfraError("cannot find nixpkgs for the NixOS guests: " + last_lines(result.err, 5));
  auto path = nlohmann::json::parse(result.out).get<std::string>();
  std::error_code ignored;
  auto canonical = fs::weakly_canonical(path, ignored);
  return canonical.empty() ? path : canonical.string();
}

// What the build depends on besides nixpkgs: the fragment, the system and auditvm's own Nix and
// helper sources.
std::string build_inputs(const nlohmann::json& fragment, Arch arch) {
  std::string inputs = fragment.dump() + "\n" + std::string(to_string(arch)) + "\n" + resolved_nixpkgs() + "\n";
  for (const char* dir : {"nix", "guest/modhelper"}) {
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(project_root() / dir))
      if (entry.is_regular_file()) files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    for (const auto& file : files) inputs += std::string(dir) + "/" + file.filename().string() + " " + sha256_file(file) + "\n";
  }
  return inputs;
}

void nix_build(const fs::path& dir, Arch arch) {
  std::vector<std::string> argv{"nix-build", (project_root() / "nix/default.nix").string(), "--argstr", "configFile", (dir / "config.json").string(),
                                "--argstr", "system", std::string(to_string(arch)) + "-linux", "-o", (dir / "result").string()};
  for (const auto& arg : nixpkgs_arguments()) argv.push_back(arg);
  auto build = run_process(argv);
  if (build.exit_code != 0) {
    std::error_code ignored;
    fs::remove(dir / "result", ignored);
    throw InfraError("nix-build of the NixOS guest failed (exit " + std::to_string(build.exit_code) + "); last lines of its log:\n" +
                     last_lines(build.err + build.out, 20));
  }
}

}  // namespace

Manifest build_nixos_guest(const nlohmann::json& fragment, Arch arch, const fs::path& cache_dir) {
  if (!program_exists("nix-build")) throw InfraError("nix-build not found: --guest nixos needs Nix on this machine");
  fs::path root = (cache_dir.empty() ? default_cache_dir() : cache_dir).parent_path() / "nixos";
  fs::path dir = root / (std::string(to_string(arch)) + "-" + sha256_hex(build_inputs(fragment, arch)).substr(0, 16));
  fs::create_directories(dir);
  FileLock lock(dir / ".lock");
  if (fs::exists(dir / "result")) {
    try {
      return load_manifest(dir / "result");
    } catch (const InputError&) {
      // A result that no longer loads (what it points at is gone): build again, once.
      fs::remove(dir / "result");
    }
  }
  write_file_atomic(dir / "config.json", fragment.dump(2) + "\n");
  nix_build(dir, arch);
  return load_manifest(dir / "result");
}

}  // namespace auditvm::image
