#!/usr/bin/env bash
# Builds the module helper (guest/modhelper) for one ABI with clang and lld as cross compilers:
# the helper needs no libc, only that ABI's kernel UAPI headers. nix/modhelper.nix runs this in
# the Nix build; tests run it with the host's clang and Debian's cross headers.
#   build-modhelper.sh OUT TARGET SOURCE_DIR HEADER_DIR...
# TARGET is a clang triple: x86_64-linux-gnu, i686-linux-gnu, aarch64-linux-gnu, armv7a-linux-gnueabihf.
set -euo pipefail
out=$1 target=$2 source=$3
shift 3
includes=()
for dir in "$@"; do includes+=(-isystem "$dir"); done
flags=()
# auditvm's b32 on arm is the EABI in ARM state, as the Debian build compiles it.
[[ $target == arm* ]] && flags+=(-marm)
lld=$(command -v "${LD_LLD:-ld.lld}")
"${CLANG:-clang}" --target="$target" "${flags[@]}" -static -nostdlib -nostdinc -ffreestanding -fno-stack-protector -fno-pie -O2 \
  -Wall -Wextra "${includes[@]}" --ld-path="$lld" -o "$out" "$source/modhelper.c"
