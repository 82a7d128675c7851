#!/usr/bin/env bash
# The main job on a fresh Debian 12 machine: install, build, build both guest images, run the
# default scenario matrix on x86_64 and aarch64. Results land in ./results/.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
./scripts/build.sh
./build/harness/cli/auditvm image build --arch all
exec ./build/harness/cli/auditvm run --report-dir results "$@"
