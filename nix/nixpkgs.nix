# The nixpkgs guests are built with: <nixpkgs> from NIX_PATH (or nix-build -I nixpkgs=...), else,
# when flakes are on, the flake registry's nixpkgs (what `nix build nixpkgs#...` would use).
let
  # An entry "nixpkgs=..." or a directory entry that holds nixpkgs/ (e.g. a channels profile).
  onPath = entry: entry.prefix == "nixpkgs"
    || (entry.prefix == "" && builtins.substring 0 1 entry.path == "/" && builtins.pathExists (entry.path + "/nixpkgs"));
in
if builtins.any onPath builtins.nixPath then <nixpkgs>
else if builtins ? getFlake then (builtins.getFlake "nixpkgs").outPath
else throw "auditvm: no nixpkgs to build NixOS guests with: set NIX_PATH (or AUDITVM_NIXPKGS), or enable flakes to use the registry's nixpkgs"
