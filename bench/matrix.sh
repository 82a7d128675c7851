#!/usr/bin/env bash
# Prints, in one run: bare QEMU's boot-to-poweroff per arch (the yardstick: one bare boot pair is
# one x86_64 plus one aarch64 boot), the default matrix (both arches, every scenario) with guests
# reused and with --fresh-vm, each booting every fresh guest (--no-snapshots: before) and
# restoring fresh guests from snapshots (after), as wall seconds and as bare boot pairs, whether
# every cell came out as specified and all runs agree, a guest's boot against its restore per
# arch (the harness's own timings), the phases of every cell summed per arch, and the
# per-phase breakdown of one cell per arch (result.json's `timings`). The host's load is printed
# at the start and the end: on a shared machine only the ratios within one run compare.
# Usage: bench/matrix.sh [BOOT_RUNS] [CELL]   (default 2 stig-fix; images must be built: auditvm image build --arch all)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-2}
cell=${2:-stig-fix}
bin=./build/harness/cli/auditvm
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
# shellcheck source=bench/lib/bare_boot.sh
. bench/lib/bare_boot.sh
echo "load average at the start: $(load_average)"
x86=$(bare_boot x86_64 busybox "$runs")
arm=$(bare_boot aarch64 busybox "$runs")
pair=$(echo "$x86 + $arm" | bc -l)
printf 'bare QEMU boot-to-poweroff: x86_64 %.2f s, aarch64 %.2f s: one pair %.2f s (mean of %d)\n' "$x86" "$arm" "$pair" "$runs"
# matrix NAME ARGS...: runs the default matrix into $tmp/NAME; prints its wall time and ratio.
matrix() {
  local name=$1 start end rc=0
  shift
  start=$(now)
  $bin run --accel tcg -q --report-dir "$tmp/$name" "$@" >/dev/null 2>"$tmp/$name.err" || rc=$?
  end=$(now)
  local wall; wall=$(echo "$end - $start" | bc -l)
  printf '  %-14s %6.1f s = %5.2f bare boot pairs; %s of %s cells as specified (exit %d)\n' "$name" "$wall" "$(echo "$wall / $pair" | bc -l)" \
    "$(jq '[.cells[] | select(.status == "pass")] | length' "$tmp/$name/result.json")" "$(jq '.cells | length' "$tmp/$name/result.json")" "$rc"
}
echo "default matrix ($($bin matrix --format json | jq length) cells, default --jobs, $(nproc) cores):"
matrix reused-booted --no-snapshots
matrix fresh-booted --fresh-vm --no-snapshots
matrix reused
matrix fresh --fresh-vm
# The same verdicts, kernel verdicts, statuses and records every way (the VM tests check more).
outcome='[.cells[] | {id, status, verdict, kernel_verdict, records_expected, records_matched}]'
for other in fresh reused-booted fresh-booted; do
  if [ "$(jq -c "$outcome" "$tmp/reused/result.json")" = "$(jq -c "$outcome" "$tmp/$other/result.json")" ]; then
    echo "  reused and $other: the same status, verdicts and records in every cell"
  else
    echo "  reused and $other DIFFER:"; diff <(jq "$outcome" "$tmp/reused/result.json") <(jq "$outcome" "$tmp/$other/result.json") || true
  fi
done
# A fresh guest booted against one restored, as the harness timed them (boot includes saving the
# snapshot where that guest was the first of its kind).
for arch in x86_64 aarch64; do
  mean() { jq "[.cells[] | select(.arch == \"$arch\") | .timings.$2 | select(. > 0)] | if length == 0 then 0 else add / length end" "$tmp/$1/result.json"; }
  count() { jq "[.cells[] | select(.arch == \"$arch\") | .timings.$2 | select(. > 0)] | length" "$tmp/$1/result.json"; }
  printf '%s fresh guest: booted %.2f s (mean of %d, --no-snapshots), restored %.2f s (mean of %d; %d booted, saving included: %.2f s)\n' "$arch" \
    "$(mean fresh-booted boot)" "$(count fresh-booted boot)" "$(mean fresh restore)" "$(count fresh restore)" "$(count fresh boot)" "$(mean fresh boot)"
done
phases='boot restore reset load state check events records judge'
for arch in x86_64 aarch64; do
  printf '%s, reused guests, seconds per phase summed over its cells:\n  ' "$arch"
  for p in $phases; do printf '%s %.1f  ' "$p" "$(jq "[.cells[] | select(.arch == \"$arch\") | .timings.$p] | add" "$tmp/reused/result.json")"; done
  printf '\n%s@%s (reused guest; fresh: its boot or restore), seconds:\n  ' "$cell" "$arch"
  for p in $phases; do printf '%s %.2f  ' "$p" "$(jq ".cells[] | select(.id == \"$cell@$arch\") | .timings.$p" "$tmp/reused/result.json")"; done
  printf '(fresh: boot or restore %.2f, cell %.2f; %s witnesses)\n' "$(jq ".cells[] | select(.id == \"$cell@$arch\") | .timings.boot + .timings.restore" "$tmp/fresh/result.json")" \
    "$(jq ".cells[] | select(.id == \"$cell@$arch\") | .seconds" "$tmp/reused/result.json")" \
    "$(jq ".cells[] | select(.id == \"$cell@$arch\") | .evidence.witnesses | length" "$tmp/reused/result.json")"
done
echo "load average at the end: $(load_average)"
