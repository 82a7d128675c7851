#include "image/nix_builder.hpp"

#include <fstream>
#include <sstream>

#include "core/errors.hpp"
#include "core/process.hpp"
#include "image/cache.hpp"

#ifndef AUDITVM_SOURCE_ROOT
#define AUDITVM_SOURCE_ROOT "."
#endif

namespace auditvm::image {
namespace fs = std::filesystem;
namespace {

fs::path nix_dir() {
  if (const char* home = std::getenv("AUDITVM_HOME")) return fs::path(home) / "nix";
  return fs::path(AUDITVM_SOURCE_ROOT) / "nix";
}

std::string tail(const std::string& text, int lines) {
  size_t at = text.size();
  for (int i = 0; i <= lines && at != std::string::npos && at > 0; ++i) at = text.rfind('\n', at - 1);
  return at == std::string::npos ? text : text.substr(at + 1);
}

}  // namespace

Manifest build_nixos_guest(const nlohmann::json& fragment, Arch arch, const fs::path& cache_dir) {
  if (!program_exists("nix-build")) throw InfraError("nix-build not found: --guest nixos needs Nix on this machine");
  // The key covers the fragment, the arch and the Nix side itself.
  std::string inputs = fragment.dump() + "\n" + std::string(to_string(arch)) + "\n";
  for (const auto& entry : fs::directory_iterator(nix_dir()))
    if (entry.path().extension() == ".nix") inputs += entry.path().filename().string() + " " + sha256_file(entry.path()) + "\n";
  fs::path root = (cache_dir.empty() ? default_cache_dir() : cache_dir).parent_path() / "nixos";
  fs::path dir = root / (std::string(to_string(arch)) + "-" + sha256_hex(inputs).substr(0, 16));
  fs::create_directories(dir);
  FileLock lock(dir / ".lock");
  if (!fs::exists(dir / "result")) {
    std::ofstream(dir / "config.json") << fragment.dump(2) << "\n";
    auto build = run_process({"nix-build", (nix_dir() / "default.nix").string(), "--arg", "configFile", (dir / "config.json").string(),
                              "--argstr", "system", std::string(to_string(arch)) + "-linux", "-o", (dir / "result").string()});
    if (build.exit_code != 0) {
      std::error_code ignored;
      fs::remove(dir / "result", ignored);
      throw InfraError("nix-build of the NixOS guest failed (exit " + std::to_string(build.exit_code) + "); last lines of its log:\n" +
                       tail(build.err + build.out, 20));
    }
  }
  return load_manifest(dir / "result");
}

}  // namespace auditvm::image
