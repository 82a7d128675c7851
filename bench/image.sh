#!/usr/bin/env bash
# Prints guest image build times per Debian suite and arch: cold (an empty cache: resolve,
# download, unpack, lay out), from the kept .debs (offline, --debs), and warm (the image is
# cached: the second call).
# Usage: bench/image.sh [SUITE ...]   (default: bookworm trixie sid; needs the network for the cold builds)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=./build/harness/cli/auditvm
suites=("$@"); [ ${#suites[@]} -gt 0 ] || suites=(bookworm trixie sid)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
seconds() { local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1; e=$(date +%s.%N); echo "$e - $s" | bc; }
for suite in "${suites[@]}"; do
  # bookworm keeps the layout from before suites: debs/amd64; the others debs/amd64-<suite>.
  tag=$([ "$suite" = bookworm ] && echo "" || echo "-$suite")
  for arch in x86_64 aarch64; do
    debian=$([ "$arch" = x86_64 ] && echo amd64 || echo arm64)
    cold=$(seconds $bin image build --arch "$arch" --suite "$suite" --cache-dir "$tmp/$suite" -q)
    offline=$(seconds $bin image build --arch "$arch" --suite "$suite" --cache-dir "$tmp/$suite-offline" --debs "$tmp/$suite/debs/$debian$tag" -q)
    warm=$(seconds $bin image build --arch "$arch" --suite "$suite" --cache-dir "$tmp/$suite" -q)
    kernel=$($bin image list --cache-dir "$tmp/$suite" | awk -v a="$arch" '$1 == a && $3 == "busybox" {print $4 " auditd " $5}')
    printf '%-17s %-8s cold %6.2f s   offline from the kept .debs %6.2f s   warm %6.3f s   (%s)\n' \
      "$suite" "$arch" "$cold" "$offline" "$warm" "$kernel"
  done
done
