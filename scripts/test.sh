#!/usr/bin/env bash
# Runs every test of the project: the village package (building the `registry` binary its end-to-end tests drive),
# the clerk's pages (village-web, with browser tests),
# then the county sync-server package (building the `sync-server` binary its tests run on 127.0.0.1), on both of
# its stores: SQLite, then PostgreSQL.
# PostgreSQL: with $SYNC_SERVER_TEST_POSTGRES set (postgres://user:password@host:port/database, a role that may
# create databases), the tests use that server, one new database per test; otherwise, when PostgreSQL is installed,
# a throwaway cluster is started in a temporary folder (scripts/pg-cluster.sh) and stopped at the end, also on
# failure. CI (CI=true) requires PostgreSQL.
# Usage: scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
swift build
swift test
# Files through real spreadsheet programs: LibreOffice headless and openpyxl (CI requires both).
if command -v soffice >/dev/null && python3 -c "import openpyxl" 2>/dev/null; then
    echo "== spreadsheets: LibreOffice and openpyxl round trips =="
    python3 Tests/spreadsheets/test_spreadsheets.py "$(swift build --show-bin-path)/registry"
elif [ "${CI:-}" = true ]; then
    echo "LibreOffice (soffice) or openpyxl is missing; CI runs the spreadsheet tests" >&2
    exit 1
else
    echo "LibreOffice or openpyxl is missing: the spreadsheet round trips were skipped" >&2
fi
(cd sync-server && swift build && swift test)
# The printable documents (the village's and the county's), printed to PDF by Chromium and read back with poppler
# (CI requires both).
if command -v chromium >/dev/null && command -v pdfinfo >/dev/null; then
    echo "== printable documents: Chromium to PDF, poppler =="
    python3 Tests/documents/test_documents.py "$(swift build --show-bin-path)/registry" "$(cd sync-server && swift build --show-bin-path)/sync-server"
elif [ "${CI:-}" = true ]; then
    echo "chromium or poppler-utils is missing; CI runs the document tests" >&2
    exit 1
fi
# The county officer's dashboard in headless Chromium over the real binaries (CI requires Selenium and chromium-driver).
if python3 -c "import selenium" 2>/dev/null && command -v chromedriver >/dev/null; then
    echo "== the officer's dashboard in headless Chromium =="
    python3 sync-server/Tests/browser/test_dashboard.py "$(swift build --show-bin-path)/registry" \
        "$(cd sync-server && swift build --show-bin-path)/sync-server" "${BROWSER_SHOTS:-$(mktemp -d /tmp/dashboard.XXXXXX)}"
elif [ "${CI:-}" = true ]; then
    echo "Selenium or chromium-driver is missing; CI runs the dashboard's browser tests" >&2
    exit 1
fi
# The clerk's pages (village-web): their own tests, then the browser tests over the real binaries (the county server,
# the registry and registry-web) in headless Chromium, when Selenium and chromium-driver are installed (.ci/run
# installs them; CI requires them).
(cd village-web && swift build && swift test)
if python3 -c "import selenium" 2>/dev/null && command -v chromedriver >/dev/null && command -v zbarimg >/dev/null; then
    echo "== clerk's pages and the declaration form in headless Chromium =="
    python3 village-web/Tests/browser/test_pages.py "$(swift build --show-bin-path)/registry" \
        "$(cd sync-server && swift build --show-bin-path)/sync-server" "$(cd village-web && swift build --show-bin-path)/registry-web" \
        "${BROWSER_SHOTS:-$(mktemp -d /tmp/clerk-pages.XXXXXX)}"
elif [ "${CI:-}" = true ]; then
    echo "Selenium, chromium-driver or zbarimg is missing; CI runs the browser tests" >&2
    exit 1
else
    echo "Selenium, chromium-driver or zbarimg is missing: the browser tests were skipped" >&2
fi
# Fuzz the server against its OpenAPI document when schemathesis is installed (.ci/run installs it from PyPI).
if command -v schemathesis >/dev/null; then scripts/schemathesis.sh; fi

postgres="${SYNC_SERVER_TEST_POSTGRES:-}"
if [ -z "$postgres" ]; then
    if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
        PGDIR="$(mktemp -d /tmp/county-pg.XXXXXX)"
        chmod 755 "$PGDIR"
        trap 'scripts/pg-cluster.sh stop "$PGDIR"' EXIT
        postgres="$(scripts/pg-cluster.sh start "$PGDIR")"
    elif [ "${CI:-}" = true ]; then
        echo "PostgreSQL is not installed; CI runs the server tests on it too" >&2
        exit 1
    else
        echo "PostgreSQL is not installed: the server tests ran on SQLite only" >&2
        exit 0
    fi
fi
echo "== sync-server tests on PostgreSQL =="
(cd sync-server && SYNC_SERVER_TEST_POSTGRES="$postgres" swift test)
if command -v schemathesis >/dev/null; then
    db="county_schemathesis_$$"
    psql -X -q -d "$postgres" -c "CREATE DATABASE $db"
    scripts/schemathesis.sh "$(python3 -c 'import sys, urllib.parse as u; p = u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path="/" + sys.argv[2])))' "$postgres" "$db")"
fi
# The packages: built as scripts/package.sh builds them (Swift's standard library linked in) and run unpacked in an empty
# directory (in its own build folder, .build-package). In the debug configuration here: a release build compiles the
# server's dependencies with optimisation (BoringSSL among them; 100 of its 866 steps took ten minutes on two busy
# cores), which CI's time cannot spare; the layout, the static linking and what the binaries need are the same.
echo "== packages: scripts/package.sh, unpacked and run =="
PACKAGE_CONFIGURATION=${PACKAGE_CONFIGURATION:-debug} scripts/package.sh
scripts/test-package.sh
