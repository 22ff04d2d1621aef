#!/usr/bin/env bash
# Checks the packages scripts/package.sh wrote: unpacked into an empty directory, the binaries run from there with a
# bare environment (no toolchain on PATH, no source tree), need no Swift library (ldd), and do their job: a county
# server set up and serving, a village registering a returnee and syncing to it, the clerk's pages program starting.
# Usage: scripts/test-package.sh [DIST]
set -euo pipefail
DIST=$(cd "${1:-$(dirname "$0")/../dist}" && pwd)
WORK=$(mktemp -d /tmp/package-test.XXXXXX)
SERVER_PID=
cleanup() { [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
fail() { echo "package test: $*" >&2; exit 1; }

for tarball in "$DIST"/village-registry-*.tar.gz "$DIST"/sync-server-*.tar.gz; do
    [ -f "$tarball" ] || fail "no package in $DIST (run scripts/package.sh)"
    tar -xzf "$tarball" -C "$WORK"
done
cd "$WORK"
REGISTRY=$(echo "$WORK"/village-registry-*/bin/registry)
WEB=$(echo "$WORK"/village-registry-*/bin/registry-web)
SERVER=$(echo "$WORK"/sync-server-*/bin/sync-server)
for file in village-registry-*/INSTALL.md sync-server-*/INSTALL.md sync-server-*/sync-server.service sync-server-*/sync-server.env.example; do
    [ -s "$file" ] || fail "$file is missing"
done
grep -q '^ExecStart=/opt/sync-server/bin/sync-server serve' sync-server-*/sync-server.service || fail "the unit does not start the installed binary"

for binary in "$REGISTRY" "$WEB" "$SERVER"; do
    libraries=$(ldd "$binary")
    if grep -qi swift <<<"$libraries"; then fail "$(basename "$binary") needs a Swift library: $(grep -i swift <<<"$libraries")"; fi
    if grep -q "not found" <<<"$libraries"; then fail "$(basename "$binary") needs a missing library: $(grep 'not found' <<<"$libraries")"; fi
    echo "$(basename "$binary"): $(awk '/=>/ {print $1}' <<<"$libraries" | tr '\n' ' ')"
done

# A bare environment: what a county's machine has, nothing of the build.
run() { env -i HOME="$WORK" PATH=/usr/bin:/bin LANG=C.UTF-8 "$@"; }
version=$(run "$SERVER" --version)
[ "$version" = "$(run "$REGISTRY" --version)" ] || fail "the two programs disagree on their version"
grep -q "^$version " village-registry-*/VERSION || fail "VERSION does not name $version"

export_db=(SYNC_SERVER_DB="$WORK/county.sqlite")
run "${export_db[@]}" "$SERVER" init --county 420102 --name 江岸区 >/dev/null
printf 'code,name,township_code,township_name\n420102001001,东村,420102001,一街道\n' > villages.csv
run "${export_db[@]}" "$SERVER" villages import villages.csv >/dev/null
token=$(run "${export_db[@]}" "$SERVER" token issue --village 420102001001)
env -i HOME="$WORK" PATH=/usr/bin:/bin "${export_db[@]}" "$SERVER" serve --port 0 > serve.out 2> serve.err &
SERVER_PID=$!
for _ in $(seq 1 100); do grep -q "listening on" serve.out 2>/dev/null && break; sleep 0.1; done
url="http://$(sed -n 's/^listening on //p' serve.out)"
[ "$url" != "http://" ] || fail "the server did not start: $(cat serve.err)"

village=(REGISTRY_DB="$WORK/village.sqlite")
run "${village[@]}" "$REGISTRY" init --village 420102001001 --name 东村 >/dev/null
run "${village[@]}" "$REGISTRY" intake --name 张三 --id-number 420102199003071232 --phone 13800138000 --from 420102 \
    --departed 2022-11-03 --arrived 2022-11-05 >/dev/null
out=$(run "${village[@]}" REGISTRY_TOKEN="$token" "$REGISTRY" sync --server "$url")
grep -q "同步完成" <<<"$out" || fail "the village did not sync: $out"
[ "$(sqlite3 "$WORK/county.sqlite" 'SELECT count(*) FROM person')" = 1 ] || fail "the county does not hold the returnee"
run "$WEB" --help >/dev/null || fail "registry-web does not run"
echo "package test: passed ($version; unpacked binaries served, registered and synced)"
