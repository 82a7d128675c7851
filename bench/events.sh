#!/usr/bin/env bash
# Prints the cost of one more witness event per arch: one guest with the STIG fix loaded and auditd
# running makes 0, 10, 100 and 1,000 module calls the way a cell makes them (one calls script
# through the guest runner, auditd's log synced, read back and parsed), best of 3 each, and the ms
# per additional event against 0, in wall time and in the guest's CPU time (QEMU's: what the wall
# time would be on an idle host); then the last count as a share of the guest's boot.
# Usage: bench/events.sh [COUNTS...]   (default 10 100 1000; images must be built: auditvm image build --arch all)
set -euo pipefail
cd "$(dirname "$0")/.."
counts=("${@:-10 100 1000}")
bin=./build/bench/bench_events
[ -x "$bin" ] || { echo "build first: cmake --build build --target bench_events" >&2; exit 2; }
for arch in x86_64 aarch64; do
  # shellcheck disable=SC2068
  "$bin" "$arch" 0 ${counts[@]} | awk -v arch="$arch" '
    { print }
    /boot to shell/ { boot = $5 }
    / events / { n = $2; t = $4 }
    END { if (boot > 0 && n > 0) printf "%s: %d events take %.2f guest boots (%.2f s each)\n", arch, n, t / boot, boot }'
done
