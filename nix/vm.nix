# qemu-vm.nix as auditvm boots it (harness/machine): kernel and initrd directly, no disk (the
# root is a tmpfs), the host's Nix store as the only 9p share, no network, no guest agent.
# NixOS's xchg and shared directories are dropped: auditvm does not provide them, and stage 1
# would fail to mount them.
{ lib, modulesPath, ... }:
{
  imports = [ (modulesPath + "/virtualisation/qemu-vm.nix") ];
  virtualisation.diskImage = null;
  virtualisation.graphics = false;
  virtualisation.qemu.guestAgent.enable = false;
  virtualisation.sharedDirectories = lib.mkForce {
    nix-store = { source = builtins.storeDir; target = "/nix/.ro-store"; securityModel = "none"; };
  };
  networking.useDHCP = false;
}
