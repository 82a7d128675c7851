#!/usr/bin/env bash
# Installs everything auditvm needs on a fresh Debian 12 machine (build tools, libraries,
# QEMU, libvirt, cross compilers, nix-bin). Idempotent: when every package is
# already installed it only checks and returns in about a second.
set -euo pipefail

PACKAGES=(
  # build
  build-essential cmake ninja-build pkg-config
  # libraries the harness links
  nlohmann-json3-dev libboost-dev libboost-filesystem-dev libgtest-dev libgmock-dev
  libvirt-dev libaudit-dev libauparse-dev libcli11-dev libpugixml-dev libarchive-dev
  liblzma-dev libssl-dev libzstd-dev zlib1g-dev
  # guest images: Debian packages for foreign arches, module helper cross compilers
  xz-utils
  gcc-i686-linux-gnu gcc-aarch64-linux-gnu gcc-arm-linux-gnueabihf
  linux-libc-dev-i386-cross linux-libc-dev-arm64-cross linux-libc-dev-armhf-cross binutils-multiarch
  # machines
  qemu-system-x86 qemu-system-arm libvirt-daemon-system libvirt-clients
  # NixOS side: parse and evaluate nix/ files; the stand-in nix-build runs nix/'s build scripts
  nix-bin clang lld jq cpio zstd
  # output tests: xmllint validates junit.xml against tests/schemas/junit-10.xsd; node runs STIG
  # Manager's import parsers on the checklists; Chromium's headless shell (the smallest Chromium
  # Debian ships, no GTK) shows report.html as a person's browser would
  libxml2-utils nodejs chromium-headless-shell
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "setup: installing ${#missing[@]} package(s): ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "setup: all ${#PACKAGES[@]} packages present"
fi

# STIG Manager's own import parsers, for the checklist tests (tests/unit/report/consumers_test.cpp):
# npm (Debian's nodejs ships without it), then the pinned package into auditvm's cache.
need_npm() {
  if ! command -v npm >/dev/null; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends npm >/dev/null
  fi
}
modules="${XDG_CACHE_HOME:-$HOME/.cache}/auditvm/npm"
if [ ! -f "$modules/node_modules/@nuwcdivnpt/stig-manager-client-modules/index.js" ]; then
  need_npm
  mkdir -p "$modules"
  npm install --no-audit --no-fund --prefix "$modules" @nuwcdivnpt/stig-manager-client-modules@1.6.7 >/dev/null
  echo "setup: installed STIG Manager's client modules in $modules"
fi
# MITRE SAF's converters (what `saf convert ckl2hdf` runs), for the .ckl-to-HDF test; a prefix of
# their own (272 packages). 2.12.6: 2.14.0 pins an @aws-sdk release the registry does not have.
# --ignore-scripts: nothing of it needs building for ChecklistResults.
hdf="${XDG_CACHE_HOME:-$HOME/.cache}/auditvm/npm-hdf"
if [ ! -f "$hdf/node_modules/@mitre/hdf-converters/package.json" ]; then
  need_npm
  mkdir -p "$hdf"
  npm install --no-audit --no-fund --ignore-scripts --prefix "$hdf" @mitre/hdf-converters@2.12.6 >/dev/null
  echo "setup: installed MITRE's hdf-converters in $hdf"
fi
