#!/usr/bin/env bash
# The long randomized convergence run (issue 9), on demand: RUNS runs of STEPS random operations each, every
# one with a fresh random seed that is printed so that a failure can be replayed with
#   CONVERGENCE_SEED=<seed> CONVERGENCE_STEPS=<steps> swift test --filter ConvergenceTests
# Usage: scripts/convergence.sh [STEPS=5000] [RUNS=3]
set -euo pipefail
cd "$(dirname "$0")/.."
steps="${1:-5000}"; runs="${2:-3}"
read -r -a BUILD_FLAGS < scripts/build-flags
swift build --build-tests "${BUILD_FLAGS[@]}" > /tmp/convergence-build.log 2>&1 || { cat /tmp/convergence-build.log; exit 1; }
for _ in $(seq "$runs"); do
    CONVERGENCE_SEED=random CONVERGENCE_STEPS="$steps" swift test --skip-build --filter ConvergenceTests 2>&1 \
        | grep -E "convergence seed|^seed|✘|✔ Test run|failed" | cut -c1-400
done
