#!/usr/bin/env bash
# Runs every test of the project on a fresh Debian machine with the Swift toolchain: installs what is missing
# (scripts/setup.sh --tests), builds every product and test target once, then runs
#   the Swift tests (village, clerk's pages, county server on SQLite), the spreadsheet round trips (LibreOffice,
#   openpyxl), the printed documents (Chromium to PDF, poppler), the dashboard's and the clerk's pages' browser tests
#   (Selenium, headless Chromium), schemathesis against the OpenAPI document, the county server's tests again on
#   PostgreSQL (a throwaway cluster, stopped on exit, also on failure), and the packages built and run unpacked.
# PostgreSQL: with $SYNC_SERVER_TEST_POSTGRES set (postgres://user:password@host:port/database, a role that may
# create databases), the tests use that server, one new database per test.
# Prints how long each phase took at the end, also on failure.
# Usage: scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."

PHASES=()
PHASE_NAME=
PHASE_START=$SECONDS
RUN_START=$SECONDS
phase() {
    [ -n "$PHASE_NAME" ] && PHASES+=("$(printf '%6ds  %s' $((SECONDS - PHASE_START)) "$PHASE_NAME")")
    PHASE_NAME=$1
    PHASE_START=$SECONDS
    [ -n "$1" ] && echo "== $1 =="
    return 0
}
PGDIR=
# A PostgreSQL county keeps its replica between runs (`ReplicaFile`); the tests' replicas go here, not to ~/.cache.
export SYNC_SERVER_REPLICA_DIR="$(mktemp -d /tmp/replicas.XXXXXX)"
finish() {
    status=$?
    [ -n "$PGDIR" ] && scripts/pg-cluster.sh stop "$PGDIR"
    rm -rf "$SYNC_SERVER_REPLICA_DIR"
    phase ""
    echo "== time by phase =="
    printf '%s\n' "${PHASES[@]}"
    printf '%6ds  in all\n' $((SECONDS - RUN_START))
    exit $status
}
trap finish EXIT

# `swift test --skip-build ARGS…`, run once more only if the test process crashed in Foundation's `Process.run()`:
# on Linux with this toolchain (Swift 6.3.1) it copies 256 bytes of each /proc/self/fd entry's name and reads past
# glibc's buffer when that buffer ends a mapping (swiftlang/swift-corelibs-foundation#5472, fixed upstream, not in this
# toolchain), which kills a whole suite that starts processes about once in thirty runs here. Nothing in the products
# calls `Process`; the tests start the built binaries with it. Any other failure fails at once.
swift_test() {
    local log
    log="$(mktemp)"
    if swift test --skip-build "$@" 2>&1 | tee "$log"; then
        rm -f "$log"
        return 0
    fi
    if grep -q "Program crashed" "$log" && grep -A4 " crashed:" "$log" | grep -q "Process.run()"; then
        rm -f "$log"
        echo "== the test process crashed in Foundation's Process.run() (swift-corelibs-foundation#5472): once more =="
        swift test --skip-build "$@"
        return
    fi
    rm -f "$log"
    return 1
}

phase "setup: system and PyPI packages"
scripts/setup.sh --tests

# Debug builds without DWARF (scripts/build-flags): a failing test names its file and line through the test library,
# not through debug info. The index store stays: on Linux the test build discovers the tests through it. Build by hand
# with the same flags, or every run rebuilds everything.
phase "build: every product and test target (debug)"
read -r -a BUILD_FLAGS < scripts/build-flags
swift build --build-tests "${BUILD_FLAGS[@]}"
BIN="$(swift build "${BUILD_FLAGS[@]}" --show-bin-path)"

phase "swift test: village, clerk's pages, county server on SQLite"
swift_test

phase "spreadsheets: LibreOffice and openpyxl round trips"
python3 Tests/spreadsheets/test_spreadsheets.py "$BIN/registry"

phase "printable documents: Chromium to PDF, poppler"
python3 Tests/documents/test_documents.py "$BIN/registry" "$BIN/sync-server"

phase "the officer's dashboard in headless Chromium"
python3 sync-server/Tests/browser/test_dashboard.py "$BIN/registry" "$BIN/sync-server" \
    "${BROWSER_SHOTS:-$(mktemp -d /tmp/dashboard.XXXXXX)}"

phase "the clerk's pages and the declaration form in headless Chromium"
python3 village-web/Tests/browser/test_pages.py "$BIN/registry" "$BIN/sync-server" "$BIN/registry-web" \
    "${BROWSER_SHOTS:-$(mktemp -d /tmp/clerk-pages.XXXXXX)}"

phase "schemathesis against the OpenAPI document (SQLite)"
scripts/schemathesis.sh

phase "county server tests on PostgreSQL"
postgres="${SYNC_SERVER_TEST_POSTGRES:-}"
if [ -z "$postgres" ]; then
    PGDIR="$(mktemp -d /tmp/county-pg.XXXXXX)"
    chmod 755 "$PGDIR"
    postgres="$(scripts/pg-cluster.sh start "$PGDIR")"
fi
SYNC_SERVER_TEST_POSTGRES="$postgres" swift_test --filter CountyServerTests

phase "schemathesis against the OpenAPI document (PostgreSQL)"
db="county_schemathesis_$$"
psql -X -q -d "$postgres" -c "CREATE DATABASE $db"
scripts/schemathesis.sh "$(python3 -c 'import sys, urllib.parse as u; p = u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path="/" + sys.argv[2])))' "$postgres" "$db")"

# The packages: built as scripts/package.sh builds them (Swift's standard library linked in) and run unpacked in an
# empty directory (in its own build folder, .build-package). In the debug configuration here: a release build
# compiles the server's dependencies with optimisation, which CI's time cannot spare; the layout, the static linking
# and what the binaries need are the same. package.sh builds `registry` first and checks that it compiled nothing
# of Hummingbird, NIO or PostgresNIO.
phase "packages: scripts/package.sh, unpacked and run"
PACKAGE_CONFIGURATION=${PACKAGE_CONFIGURATION:-debug} scripts/package.sh
scripts/test-package.sh
