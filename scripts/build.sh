#!/usr/bin/env bash
# Configures and builds auditvm into ./build (Release-ish, Ninja). Quick when nothing changed.
# With ccache when present, as scripts/sanitize.sh: compiling is most of a fresh clone's CI time,
# and a clone under ccache's base_dir on a machine that built auditvm before mostly hits.
set -euo pipefail
cd "$(dirname "$0")/.."
launcher=()
if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache); fi
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "${launcher[@]}" >/dev/null
cmake --build build -j"$(nproc)"
