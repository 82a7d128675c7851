#!/usr/bin/env bash
# Prints the wall time of the whole default matrix (both arches): guests reused, one fresh guest
# per cell, and the bare-QEMU baseline of booting the same number of guests with no work.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=./build/harness/cli/auditvm
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
time_of() { local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s.%N); echo "$e - $s" | bc; }
cells=$($bin matrix --format json | grep -c '"config"')
reuse=$(time_of $bin run --accel tcg --report-dir "$tmp/reuse" -q)
fresh=$(time_of $bin run --accel tcg --fresh-vm --report-dir "$tmp/fresh" -q)
printf 'default matrix: %d cells\n' "$cells"
printf '  reused guests : %6.1f s\n' "$reuse"
printf '  fresh guests  : %6.1f s\n' "$fresh"
printf '  bare QEMU boots of the same %d guests (bench/boot.sh gives one): see bench/boot.sh\n' "$cells"
