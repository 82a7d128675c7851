# The manifest auditvm reads (harness/image/manifest.hpp), as a plain function so it can be
# evaluated (and tested) without nixpkgs.
{ lib ? null, arch, console, toplevel, kernel, initrd, kernelVersion, kernelParams, helpers, modulePath }:
{
  format_version = "1";
  guest_kind = "nixos";
  inherit arch console kernel initrd helpers;
  kernel_version = kernelVersion;
  kernel_params = [ "console=${console}" "init=${toplevel}/init" ] ++ kernelParams;
  module_name = "nls_ascii";
  module_path = modulePath;
  # The guest mounts the host's store read-only over 9p, as NixOS's own VM script does.
  shared_directories = [ { host_path = "/nix/store"; mount_tag = "nix-store"; guest_path = "/nix/store"; } ];
  packages = { };
  files = { };
  cache_key = "";
}
