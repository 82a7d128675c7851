# Builds a NixOS auditvm guest for one configuration fragment (JSON, as in scenarios/) and one
# system, and the manifest auditvm boots it from (the same format as the default guests'):
#   nix-build nix/default.nix --arg configFile ./config.json --argstr system aarch64-linux
{ configFile, system ? builtins.currentSystem, nixpkgs ? <nixpkgs> }:
let
  fragment = builtins.fromJSON (builtins.readFile configFile);
  nixos = import "${nixpkgs}/nixos" {
    inherit system;
    configuration = { modulesPath, ... }: {
      imports = [ ./module.nix "${modulesPath}/virtualisation/qemu-vm.nix" fragment ];
    };
  };
  cfg = nixos.config;
  pkgs = nixos.pkgs;
  lib = pkgs.lib;
  toplevel = cfg.system.build.toplevel;
  console = if pkgs.stdenv.hostPlatform.isx86_64 then "ttyS0" else "ttyAMA0";
  manifest = import ./manifest.nix {
    inherit lib console toplevel;
    arch = if pkgs.stdenv.hostPlatform.isx86_64 then "x86_64" else "aarch64";
    kernel = "${toplevel}/kernel";
    initrd = "${toplevel}/initrd";
    kernelVersion = cfg.boot.kernelPackages.kernel.version;
    kernelParams = cfg.boot.kernelParams;
    helpers = cfg.auditvm.helpers;
    modulePath = cfg.auditvm.testModule;
  };
in
pkgs.writeText "auditvm-manifest.json" (builtins.toJSON manifest)
