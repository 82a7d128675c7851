#!/usr/bin/env bash
# Prints the differential tester's throughput per arch: rule sets judged per minute (one guest,
# a cell each: reset, load as NixOS does, the scenario's actions and the model's witnesses,
# records, judging), without shrinking, with the machine's load beside it (2 cores are shared),
# and where a set's seconds go, phase by phase (difftest's JSON "phases").
# Usage: bench/difftest.sh [COUNT [SEED]]   (target: >= 60 rule sets per minute per arch)
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-20}
seed=${2:-1}
bin=./build/harness/cli/auditvm
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
for arch in x86_64 aarch64; do
  load=$(cut -d' ' -f1 /proc/loadavg)
  # Exit 1 (disagreements found) is a result here, not a failure of the bench.
  "$bin" --quiet difftest --arch "$arch" --count "$count" --seed "$seed" --shrink-budget 0 --accel tcg --format json \
    --report-dir "$tmp/$arch" >"$tmp/$arch.json" || [ $? -eq 1 ]
  python3 - "$tmp/$arch.json" "$arch" "$load" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
s = r["seconds"]
print(f'{sys.argv[2]:8} {r["rule_sets"]} rule sets in {s:.1f} s: {r["rule_sets"] * 60 / s:.1f} rule sets/min, '
      f'{r["witness_events"] / r["rule_sets"]:.0f} events/set, {len(r["disagreements"])} disagreements (load average {sys.argv[3]})')
# The per-set split: each phase's seconds per rule set (boot: the run's guests, spread over its sets).
n = r["rule_sets"]
print('         per set: ' + ', '.join(f'{name} {v / n:.2f} s' for name, v in r["phases"].items() if v > 0)
      + f' (phases {sum(r["phases"].values()) / n:.2f} s of {s / n:.2f} s)')
PY
done
