// NixOS guests: one nix-build of nix/default.nix per configuration fragment and arch, cached by
// the fragment's hash; the result is a manifest in the same format as the default guests'.
#pragma once

#include <filesystem>

#include <nlohmann/json.hpp>

#include "image/manifest.hpp"

namespace auditvm::image {

// The key covers the fragment, the arch, the resolved nixpkgs (AUDITVM_NIXPKGS, given to Nix as
// -I nixpkgs=..., else NIX_PATH or the flake registry: nix/nixpkgs.nix) and nix/ and
// guest/modhelper/ themselves. Throws InfraError when nix-build is missing, no nixpkgs is found
// or the build fails (with the log's tail), and InputError when the manifest lacks a field.
Manifest build_nixos_guest(const nlohmann::json& fragment, Arch arch, const std::filesystem::path& cache_dir = {});

}  // namespace auditvm::image
