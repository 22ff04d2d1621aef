#!/usr/bin/env bash
# Runs every test of the project: the village package (building the `registry` binary its end-to-end tests drive),
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
(cd sync-server && swift build && swift test)
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
