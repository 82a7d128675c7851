{
  description = "auditvm: NixOS audit configurations proven in real VMs";
  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";
  outputs = { self, nixpkgs }:
    let systems = [ "x86_64-linux" "aarch64-linux" ];
    in {
      # The guest side alone (backdoor shell, module helper, actors, test module), for NixOS tests.
      nixosModules.default = import ./nix/module.nix;
      # One guest's manifest, as `auditvm run --guest nixos` builds it:
      #   nix build --impure --expr '(builtins.getFlake (toString ./.)).lib.guest { configFile = ./fragment.json; system = "x86_64-linux"; }'
      lib.guest = { configFile, system }: import ./nix/default.nix { inherit configFile system; nixpkgs = nixpkgs.outPath; };
      # The V-268096 scenarios as NixOS tests: nix flake check, or nix build .#checks.x86_64-linux.stig-fix
      checks = nixpkgs.lib.genAttrs systems (system: import ./nix/tests.nix { nixpkgs = nixpkgs.outPath; inherit system; });
    };
}
