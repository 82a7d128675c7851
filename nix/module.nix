# Turns a NixOS system into an auditvm guest: the same channel as the default guests (NixOS's
# own test-instrumentation backdoor shell on /dev/hvc0), the module helper for both ABIs built
# from guest/modhelper, the scenario actors as users, and a loadable module of the system's kernel.
{ config, lib, pkgs, modulesPath, ... }:
let
  helperFor = { stdenv, suffix, flags ? "" }:
    stdenv.mkDerivation {
      pname = "auditvm-modhelper-${suffix}";
      version = "1";
      src = ../guest/modhelper;
      dontConfigure = true;
      hardeningDisable = [ "all" ];
      buildPhase = ''
        $CC ${flags} -static -nostdlib -ffreestanding -fno-stack-protector -fno-pie -no-pie -O2 \
          -o modhelper modhelper.c
      '';
      installPhase = "install -Dm755 modhelper $out/bin/modhelper";
    };
  isx86 = pkgs.stdenv.hostPlatform.isx86_64;
  helper64 = helperFor { inherit (pkgs) stdenv; suffix = "b64"; };
  helper32 =
    if isx86 then helperFor { stdenv = pkgs.pkgsi686Linux.stdenv; suffix = "b32"; }
    else helperFor { stdenv = pkgs.pkgsCross.armv7l-hf-multiplatform.stdenv; suffix = "b32"; flags = "-marm"; };
  testModule = "${config.boot.kernelPackages.kernel}/lib/modules/${config.boot.kernelPackages.kernel.modDirVersion}/kernel/fs/nls/nls_ascii.ko";
  actor = uid: { inherit uid; isSystemUser = uid < 1000; isNormalUser = uid >= 1000; group = "g${toString uid}"; };
in
{
  imports = [ "${modulesPath}/testing/test-instrumentation.nix" ];

  options.auditvm = {
    helpers = lib.mkOption { type = lib.types.attrsOf lib.types.path; readOnly = true; description = "Module helper per ABI."; };
    testModule = lib.mkOption { type = lib.types.str; readOnly = true; description = "A loadable module of the system's kernel."; };
  };

  config = {
    auditvm.helpers = { b64 = "${helper64}/bin/modhelper"; b32 = "${helper32}/bin/modhelper"; };
    auditvm.testModule = testModule;
    users.users = { u999 = actor 999; u1000 = actor 1000; u1001 = actor 1001; };
    users.groups = { g999.gid = 999; g1000.gid = 1000; g1001.gid = 1001; };
    networking.useDHCP = false;
  };
}
