#!/usr/bin/env bash
# The test command (README, .ci/run): installs what is missing, builds, builds the guest images,
# starts libvirt, then runs the unit tests, the same built with ASan+UBSan, and the VM tests
# (ctest labels "unit" and "vm").
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
./scripts/build.sh
./build/harness/cli/auditvm image build --arch all --suite bookworm,trixie
./build/harness/cli/auditvm image build --arch all --guest systemd
./scripts/start-libvirt.sh
cd build
ctest -L unit --output-on-failure -j"$(nproc)"
../scripts/sanitize.sh
# Two VM tests side by side (each guest is one TCG vCPU; a test running two guests says GUESTS 2
# and runs alone): the machine's two cores both emulate.
ctest -L 'vm|nix' --output-on-failure -j2
