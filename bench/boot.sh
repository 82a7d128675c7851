#!/usr/bin/env bash
# Prints boot-to-poweroff wall times per arch: bare QEMU (a shell pipeline talking to the guest's
# console socket) for the busybox guest and, when built, the systemd guest (--guest systemd,
# without a configuration), next to auditvm's QEMU backend (busybox guest), in one run; then where
# one more systemd guest boot spent its time, as systemd itself timed it: the kernel and userspace
# to multi-user.target, the manager's own start (before its units ran), each unit from start to
# active, and the uptime at which the backdoor shell answered.
# Usage: bench/boot.sh [RUNS]   (images must be built: auditvm image build --arch all [--guest systemd])
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
bin=./build/harness/cli/auditvm
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
# shellcheck source=bench/lib/bare_boot.sh
. bench/lib/bare_boot.sh
# What the systemd guest's shell prints: its uptime, systemd's own summary, the manager's and each
# service's monotonic timestamps (microseconds since the kernel started).
phases='cut -d" " -f1 /proc/uptime; journalctl -b -o cat --no-pager _PID=1 | grep "Startup finished";
systemctl show -p UserspaceTimestampMonotonic -p UnitsLoadFinishTimestampMonotonic;
for u in $(systemctl list-units --type=service --no-legend --plain | cut -d" " -f1); do
  systemctl show -p Id -p InactiveExitTimestampMonotonic -p ActiveEnterTimestampMonotonic "$u" | tr "\n" " "; echo; done'
echo "load average at the start: $(load_average)"
for arch in x86_64 aarch64; do
  busybox=$(bare_boot "$arch" busybox "$runs")
  systemd=$( ($bin image path --arch "$arch" --guest systemd >/dev/null 2>&1 && bare_boot "$arch" systemd "$runs") || echo 0)
  start=$(now)
  for _ in $(seq "$runs"); do ./build/tests/vm/machine/vm_machine_test --gtest_filter="*ShutsDownCleanly/qemu_$arch" >/dev/null; done
  harness=$(echo "$(now) - $start" | bc)
  printf '%-8s bare QEMU boot-to-poweroff %.2f s (systemd guest %.2f s)   auditvm boot-to-poweroff %.2f s   (mean of %d)\n' \
    "$arch" "$busybox" "$systemd" "$(echo "$harness / $runs" | bc -l)" "$runs"
  [ "$systemd" != 0 ] || continue
  bare_boot "$arch" systemd 1 "$phases" >/dev/null
  tr -d '\r' <"$tmp/bare.out" | awk -v arch="$arch" '
    NR == 1 { shell = $1; next }
    /Startup finished/ { sub(/^Startup finished in /, ""); summary = $0; next }
    /^UserspaceTimestampMonotonic=/ { split($0, a, "="); userspace = a[2]; next }
    /^UnitsLoadFinishTimestampMonotonic=/ { split($0, a, "="); loaded = a[2]; next }
    /^Id=/ { for (i = 1; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
             if (f["ActiveEnterTimestampMonotonic"] > 0) units = units sprintf(" %s %.2f s,", f["Id"],
                 (f["ActiveEnterTimestampMonotonic"] - f["InactiveExitTimestampMonotonic"]) / 1e6) }
    END { printf "%-8s systemd guest: %s; the manager before its units %.2f s; units (start to active, side by side on one vCPU):%s shell at %.2f s uptime\n",
                 arch, summary, (loaded - userspace) / 1e6, units, shell }'
done
echo "load average at the end: $(load_average)"
