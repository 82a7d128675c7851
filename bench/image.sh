#!/usr/bin/env bash
# Prints guest image build times per arch: cold (an empty cache: resolve, download, unpack, lay
# out), from the kept .debs (offline, --debs), and warm (the image is cached: the second call).
# Usage: bench/image.sh   (needs the network for the cold build)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=./build/harness/cli/auditvm
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
seconds() { local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1; e=$(date +%s.%N); echo "$e - $s" | bc; }
for arch in x86_64 aarch64; do
  debian=$([ "$arch" = x86_64 ] && echo amd64 || echo arm64)
  cold=$(seconds $bin image build --arch "$arch" --cache-dir "$tmp/cold" -q)
  offline=$(seconds $bin image build --arch "$arch" --cache-dir "$tmp/offline" --debs "$tmp/cold/debs/$debian" -q)
  warm=$(seconds $bin image build --arch "$arch" --cache-dir "$tmp/cold" -q)
  printf '%-8s cold %6.2f s   offline from the kept .debs %6.2f s   warm %6.3f s\n' "$arch" "$cold" "$offline" "$warm"
done
