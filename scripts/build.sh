#!/usr/bin/env bash
# Configures and builds auditvm into ./build (Release-ish, Ninja). Quick when nothing changed.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)"
