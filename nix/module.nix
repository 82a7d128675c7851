# Turns a NixOS system into an auditvm guest: the channel of the default guests (NixOS's own
# test-instrumentation backdoor shell on /dev/hvc0), the module helper for both ABIs built from
# guest/modhelper, the scenario actors as users, and a loadable module of the system's own kernel.
# Booting it with auditvm's QEMU needs nix/vm.nix as well; NixOS's test driver needs only this.
{ config, lib, pkgs, modulesPath, ... }:
let
  cfg = config.auditvm;
  kernel = config.boot.kernelPackages.kernel;
  helpers = import ./modhelper.nix { inherit pkgs; };
  # Uncompressed (NixOS ships .ko.xz), so init_module can load the image as it does on Debian.
  testModule = pkgs.runCommand "auditvm-test-module-${kernel.modDirVersion}"
    { nativeBuildInputs = [ pkgs.xz pkgs.zstd pkgs.gzip ]; } ''
      mkdir $out
      bash ${./extract-module.sh} ${kernel}/lib/modules/${kernel.modDirVersion} ${cfg.moduleName} $out/${cfg.moduleName}.ko
    '';
  # The uids and gids of the scenarios' actors (guest/rootfs/etc/passwd on the default guests).
  actor = uid: {
    inherit uid;
    group = "g${toString uid}";
    isSystemUser = uid < 1000;
    isNormalUser = uid >= 1000;
  };
in
{
  # A path, not a string: the test driver imports the same file and the module system must see one module.
  imports = [ (modulesPath + "/testing/test-instrumentation.nix") ];

  options.auditvm = {
    moduleName = lib.mkOption {
      type = lib.types.str;
      default = "nls_ascii";
      description = "A module of the system's kernel with no dependencies that loads and unloads cleanly.";
    };
    helpers = lib.mkOption {
      type = lib.types.attrsOf lib.types.str;
      readOnly = true;
      description = "The module helper per ABI (b64, b32), as store paths.";
    };
    testModule = lib.mkOption {
      type = lib.types.str;
      readOnly = true;
      description = "The uncompressed .ko of auditvm.moduleName, as a store path.";
    };
  };

  config = {
    auditvm.helpers = { b64 = "${helpers}/bin/modhelper-b64"; b32 = "${helpers}/bin/modhelper-b32"; };
    auditvm.testModule = "${testModule}/${cfg.moduleName}.ko";
    # auditctl and ausearch, also when the configuration leaves security.audit off.
    environment.systemPackages = [ pkgs.audit ];
    users.users = { u999 = actor 999; u1000 = actor 1000; u1001 = actor 1001; };
    users.groups = { g999.gid = 999; g1000.gid = 1000; g1001.gid = 1001; };
  };
}
