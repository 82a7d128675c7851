#!/usr/bin/env bash
# A screenshot of a run's report.html as a browser shows it (Chromium's headless shell, which
# scripts/setup.sh installs), for docs and reviews.
# Usage: bench/report-screenshot.sh [REPORT_DIR] [OUT.png] [WIDTHxHEIGHT]   (default: results, REPORT_DIR/report.png, 1400x1000)
set -euo pipefail
dir=${1:-results}
out=${2:-$dir/report.png}
size=${3:-1400x1000}
[ -f "$dir/report.html" ] || { echo "report-screenshot: no $dir/report.html (auditvm run --report-dir $dir writes it)" >&2; exit 2; }
profile=$(mktemp -d); trap 'rm -rf "$profile"' EXIT
chromium-headless-shell --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$profile" \
  --window-size="${size/x/,}" --screenshot="$(realpath -m "$out")" "file://$(realpath "$dir/report.html")" 2>/dev/null
[ -s "$out" ] || { echo "report-screenshot: Chromium wrote no $out" >&2; exit 2; }
echo "report-screenshot: $out"
