# The module helper (guest/modhelper) for both ABIs of the guest's system, built with clang and
# lld as cross compilers (nix/build-modhelper.sh): no cross gcc or 32-bit libc to build, only
# the kernel UAPI headers of each ABI. Outputs bin/modhelper-b64 and bin/modhelper-b32.
{ pkgs }:
let
  platform = pkgs.stdenv.hostPlatform;
  abis =
    if platform.isx86_64 then {
      # x86's asm/unistd.h serves both ABIs (it selects on __i386__).
      b64 = { target = "x86_64-linux-gnu"; headers = pkgs.linuxHeaders; };
      b32 = { target = "i686-linux-gnu"; headers = pkgs.linuxHeaders; };
    } else if platform.isAarch64 then {
      b64 = { target = "aarch64-linux-gnu"; headers = pkgs.linuxHeaders; };
      # The 32-bit arm system call numbers are in arm's headers, not arm64's.
      b32 = { target = "armv7a-linux-gnueabihf"; headers = pkgs.pkgsCross.armv7l-hf-multiplatform.linuxHeaders; };
    } else throw "auditvm guests are x86_64-linux or aarch64-linux, not ${platform.system}";
  build = abi: { target, headers }: ''
    bash ${./build-modhelper.sh} $out/bin/modhelper-${abi} ${target} ${../guest/modhelper} ${headers}/include
  '';
in
pkgs.stdenvNoCC.mkDerivation {
  name = "auditvm-modhelper";
  dontUnpack = true;
  nativeBuildInputs = [ pkgs.llvmPackages.clang-unwrapped pkgs.llvmPackages.lld ];
  buildPhase = ''
    mkdir -p $out/bin
    export CLANG=clang LD_LLD=ld.lld
    ${build "b64" abis.b64}
    ${build "b32" abis.b32}
  '';
  dontInstall = true;
}
