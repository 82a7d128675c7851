# Builds a NixOS auditvm guest for one configuration fragment (JSON, as in scenarios/) and one
# system, and the manifest auditvm boots it from (the format of the default guests' manifests):
#   nix-build nix/default.nix --arg configFile ./fragment.json --argstr system aarch64-linux
# An aarch64 guest on an x86_64 host needs what the local Nix has for aarch64-linux (a remote
# builder or binfmt emulation).
{ configFile, system ? builtins.currentSystem, nixpkgs ? import ./nixpkgs.nix }:
let
  fragment = builtins.fromJSON (builtins.readFile configFile);
  nixos = import (nixpkgs + "/nixos") {
    inherit system;
    configuration = { imports = [ ./module.nix ./vm.nix fragment ]; };
  };
  inherit (nixos) config pkgs;
  platform = pkgs.stdenv.hostPlatform;
  toplevel = config.system.build.toplevel;
  kernel = config.boot.kernelPackages.kernel;
  # The serial console NixOS's own VMs and tests use: ttyS0 on x86_64, ttyAMA0 on aarch64.
  qemuCommon = import (nixpkgs + "/nixos/lib/qemu-common.nix") { inherit (pkgs) lib; inherit pkgs; };
  manifest = import ./manifest.nix {
    arch = if platform.isx86_64 then "x86_64" else if platform.isAarch64 then "aarch64" else throw "unsupported system ${system}";
    console = qemuCommon.qemuSerialDevice;
    inherit toplevel;
    kernel = "${toplevel}/kernel";
    initrd = "${toplevel}/initrd";
    kernelVersion = kernel.modDirVersion;
    kernelParams = config.boot.kernelParams;
    memoryMib = config.virtualisation.memorySize;
    sharedDirectories = config.virtualisation.sharedDirectories;
    helpers = config.auditvm.helpers;
    modulePath = config.auditvm.testModule;
    moduleName = config.auditvm.moduleName;
    packages = { nixos = config.system.nixos.version; linux = kernel.version; audit = pkgs.audit.version; };
  };
in
pkgs.writeText "auditvm-manifest.json" (builtins.toJSON manifest)
