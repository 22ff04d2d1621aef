#!/usr/bin/env bash
# Runs every test of the project: the village package (building the `registry` binary its end-to-end tests drive),
# then the county sync-server package (building the `sync-server` binary its tests run on 127.0.0.1).
# Usage: scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
swift build
swift test
(cd sync-server && swift build && swift test)
# Fuzz the server against its OpenAPI document when schemathesis is installed (.ci/run installs it from PyPI).
if command -v schemathesis >/dev/null; then scripts/schemathesis.sh; fi
