#!/usr/bin/env bash
# Prints boot-to-poweroff wall times per arch: bare QEMU (a shell pipeline talking to the guest's
# console socket) for the busybox guest and, when built, the systemd guest (--guest systemd,
# without a configuration), next to auditvm's QEMU backend (busybox guest), in one run.
# Usage: bench/boot.sh [RUNS]   (images must be built: auditvm image build --arch all [--guest systemd])
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
bin=./build/harness/cli/auditvm
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
# shellcheck source=bench/lib/bare_boot.sh
. bench/lib/bare_boot.sh
for arch in x86_64 aarch64; do
  busybox=$(bare_boot "$arch" busybox "$runs")
  systemd=$( ($bin image path --arch "$arch" --guest systemd >/dev/null 2>&1 && bare_boot "$arch" systemd "$runs") || echo 0)
  start=$(now)
  for _ in $(seq "$runs"); do ./build/tests/vm/machine/vm_machine_test --gtest_filter="*ShutsDownCleanly/qemu_$arch" >/dev/null; done
  harness=$(echo "$(now) - $start" | bc)
  printf '%-8s bare QEMU boot-to-poweroff %.2f s (systemd guest %.2f s)   auditvm boot-to-poweroff %.2f s   (mean of %d)\n' \
    "$arch" "$busybox" "$systemd" "$(echo "$harness / $runs" | bc -l)" "$runs"
done
