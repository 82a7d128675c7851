{
  description = "auditvm: NixOS audit configurations proven in real VMs";
  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";
  outputs = { self, nixpkgs }:
    let systems = [ "x86_64-linux" "aarch64-linux" ];
    in {
      nixosModules.auditvm-guest = import ./nix/module.nix;
      # nix build .#guest.x86_64-linux --impure --expr ... ; lib.guest { configFile; system; }
      lib.guest = { configFile, system }: import ./nix/default.nix { inherit configFile system; nixpkgs = nixpkgs.outPath; };
      checks = nixpkgs.lib.genAttrs systems (system: import ./nix/tests.nix { nixpkgs = nixpkgs.outPath; inherit system; });
    };
}
