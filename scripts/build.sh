#!/usr/bin/env bash
# Configures and builds auditvm into ./build (Release-ish, Ninja). Quick when nothing changed.
# With ccache when present, as scripts/sanitize.sh: compiling is most of a fresh clone's CI time,
# and a clone under ccache's base_dir on a machine that built auditvm before mostly hits.
# A unity build (CMake compiles each target's sources in batches of 8 per compiler run): the headers
# (GoogleTest, nlohmann/json, <regex>) are parsed once per batch, not once per file, which took a
# cold build from 27 to about 16 min of CPU here. Iterating, configure a build dir of your own
# without it (README): a change then recompiles one file, not its batch.
set -euo pipefail
cd "$(dirname "$0")/.."
launcher=()
if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache); fi
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_UNITY_BUILD=ON "${launcher[@]}" >/dev/null
cmake --build build -j"$(nproc)"
