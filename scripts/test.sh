#!/usr/bin/env bash
# Runs every test of the project: builds the village package (the `registry` binary the end-to-end tests
# drive) and runs its test suite. Usage: scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
swift build
swift test
