#!/usr/bin/env bash
# Copies one module of a kernel's modules tree, uncompressed: NixOS kernels ship modules as
# .ko.xz (or .ko.zst), while the helper's init_module needs the plain ELF image, as on Debian.
#   extract-module.sh MODULES_DIR NAME OUT      (MODULES_DIR = .../lib/modules/<version>)
set -euo pipefail
modules=$1 name=$2 out=$3
found=$(find "$modules/kernel" \( -name "$name.ko" -o -name "$name.ko.xz" -o -name "$name.ko.zst" -o -name "$name.ko.gz" \) -print -quit)
[ -n "$found" ] || { echo "extract-module: $name is not a loadable module in $modules" >&2; exit 1; }
case $found in
  *.xz) xz -dc "$found" >"$out" ;;
  *.zst) zstd -qdc "$found" >"$out" ;;
  *.gz) gzip -dc "$found" >"$out" ;;
  *) cp "$found" "$out" ;;
esac
