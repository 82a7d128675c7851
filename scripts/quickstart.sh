#!/usr/bin/env bash
# The main job on a fresh Debian 12 machine: install, build, build the guest images, run the
# default scenario matrix on x86_64 and aarch64, on Debian bookworm and trixie (AUDITVM_SUITES
# overrides the suites, e.g. AUDITVM_SUITES=bookworm,trixie,sid). Results land in ./results/.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
./scripts/build.sh
suites=${AUDITVM_SUITES:-bookworm,trixie}
./build/harness/cli/auditvm image build --arch all --suite "$suites"
exec ./build/harness/cli/auditvm run --suite "$suites" --report-dir results "$@"
