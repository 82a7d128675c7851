# The manifest auditvm boots a guest from (harness/image/manifest.hpp), as a plain function of
# the evaluated system, so it evaluates (and is tested) without nixpkgs.
{ arch, console, toplevel, kernel, initrd, kernelVersion, kernelParams, memoryMib, sharedDirectories
, helpers, modulePath, moduleName, packages ? { } }:
{
  format_version = "1";
  guest_kind = "nixos";
  # NixOS applies the configuration while booting: auditvm watches it instead of applying it.
  configuration_built_in = true;
  inherit arch console kernel initrd helpers packages;
  kernel_version = kernelVersion;
  # As qemu-vm.nix's run script: the system's parameters, its init, the serial console last (primary).
  kernel_params = kernelParams ++ [ "init=${toplevel}/init" "console=${console}" ];
  memory_mib = memoryMib;
  # A whole systemd boot, possibly under emulation (aarch64 on an x86_64 host without KVM).
  boot_timeout_s = 600;
  module_name = moduleName;
  module_path = modulePath;
  # { tag = { source; target; }; } as in virtualisation.sharedDirectories: read-only 9p shares.
  shared_directories = map
    (tag: { host_path = sharedDirectories.${tag}.source; mount_tag = tag; guest_path = sharedDirectories.${tag}.target; })
    (builtins.attrNames sharedDirectories);
  files = { };
  cache_key = "";
}
