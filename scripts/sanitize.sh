#!/usr/bin/env bash
# The unit and CLI tests (ctest -L unit) built with AddressSanitizer and UBSan in ./build-asan.
# Only auditvm and the unit test binaries are built (not the VM tests), with ccache when present.
# -O0 -g1: compiling is what this costs in CI (a clean 2-core machine); -O0 takes about half the
# time of -O2 and finds at least as much, -g1 keeps the file:line of every frame in a report.
set -euo pipefail
cd "$(dirname "$0")/.."
launcher=()
if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache); fi
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O0 -g1" -DCMAKE_C_FLAGS_DEBUG="-O0 -g1" \
  -DAUDITVM_SANITIZE=ON -DCMAKE_UNITY_BUILD=ON "${launcher[@]}" >/dev/null
# The unit test targets, as tests/unit/*/CMakeLists.txt name them.
mapfile -t targets < <(sed -n 's/^auditvm_unit_test(\([A-Za-z0-9_]*\).*/\1/p' tests/unit/*/CMakeLists.txt)
cmake --build build-asan -j"$(nproc)" --target auditvm "${targets[@]}"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:strict_string_checks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
cd build-asan
ctest -L unit --output-on-failure -j"$(nproc)"
