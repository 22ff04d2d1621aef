#!/usr/bin/env bash
# Benchmarks of the village side (DESIGN.md Targets), on release builds, each figure printed beside its target.
# Usage: scripts/bench.sh [ARRIVALS]   (default 100000). Results and method: docs/PERFORMANCE.md.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-100000}
swift build -c release --product registry >/dev/null
swift build -c release --product registry-bench >/dev/null
BIN="$(swift build -c release --show-bin-path)"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
now() { date +%s.%N; }
rate() { python3 -c "import sys; n, a, b = map(float, sys.argv[1:]); print(f'{n / (b - a):,.0f}')" "$@"; }
ms() { python3 -c "import sys; a, b = map(float, sys.argv[1:]); print(f'{(b - a) * 1000:.0f}')" "$@"; }

echo "machine: $(nproc) cores, $(free -g | awk '/Mem/ {print $2}') GiB; $(swift --version 2>/dev/null | head -1)"
"$BIN/registry-bench" capture 50000
"$BIN/registry-bench" places 10000

"$BIN/registry-bench" csv "$N" "$WORK/arrivals.csv"
"$BIN/registry-bench" areas "$WORK/areas.csv"
export REGISTRY_DB="$WORK/registry.sqlite" REGISTRY_NOW="2022-11-05 18:00"
"$BIN/registry" init --village 110105001001 --name 基准村 >/dev/null
"$BIN/registry" risk-areas import "$WORK/areas.csv" >/dev/null
cp "$WORK/registry.sqlite" "$WORK/before-import.sqlite"
a=$(now); "$BIN/registry" import "$WORK/arrivals.csv" >/dev/null; b=$(now)
echo "registry import: $N arrivals in $(ms "$a" "$b") ms = $(rate "$N" "$a" "$b") arrivals/s (target >= 20,000/s)"
python3 scripts/import-floor.py "$WORK/registry.sqlite" "$WORK/before-import.sqlite"
if command -v sqlite3 >/dev/null; then
    a=$(now); sqlite3 "$WORK/plain.sqlite" ".mode csv" ".import $WORK/arrivals.csv arrivals"; b=$(now)
    echo "reference sqlite3 .import of the same file (no validation, no plan, no log): $(rate "$N" "$a" "$b") rows/s"
fi
for command in today report; do
    best=999999
    for _ in 1 2 3; do
        a=$(now); "$BIN/registry" $command --date 2022-11-05 >/dev/null; b=$(now)
        t=$(ms "$a" "$b"); [ "$t" -lt "$best" ] && best=$t
    done
    echo "registry $command on $N persons, end to end (best of 3): $best ms (target <= 300 ms)"
done

# The county side: apply rate in process, pull cost against log size, and a load of villages pushing over HTTP to
# a real server process (VILLAGES defaults to 500, the DESIGN.md load; set it lower for a quick run).
VILLAGES=${VILLAGES:-500}
swift build -c release --product sync-server >/dev/null && swift build -c release --product sync-bench >/dev/null
SBIN="$BIN"
"$SBIN/sync-bench" apply 500
"$SBIN/sync-bench" apply 50 concurrent
"$SBIN/sync-bench" apply 500 concurrent
"$SBIN/sync-bench" floor
"$SBIN/sync-bench" pull
"$SBIN/sync-bench" decode
"$SBIN/sync-bench" dashboard
"$SBIN/sync-bench" relay
python3 - "$WORK/roster.csv" "$VILLAGES" <<'PY'
import sys
rows = ['code,name,township_code,township_name']
for v in range(int(sys.argv[2])):
    t = '110105%03d' % (v // 100 + 1)
    rows.append('%s%03d,村%d,%s,镇%d' % (t, v % 100 + 1, v, t, v // 100 + 1))
open(sys.argv[1], 'w').write('\n'.join(rows) + '\n')
PY
# Two readings of DESIGN.md's "500 villages × 1,000 changes pushed 50 at a time": every village pushing at once in
# pushes of 50 changes, and 50 villages at a time each pushing its 1,000 changes in one batch (the client's real
# batch holds up to 2,000). Each on a fresh county database and server.
load() {  # NAME BATCH AT_ONCE [DB [SERVERS]]: DB a postgres:// URL of an empty database (default a new SQLite file)
    local db="${4:-$WORK/county-$1.sqlite}" servers="${5:-1}" urls="" pids=""
    "$SBIN/sync-server" init --county 110105 --name 基准县 --db "$db" >/dev/null
    "$SBIN/sync-server" villages import "$WORK/roster.csv" --db "$db" >/dev/null
    for i in $(seq 1 "$servers"); do
        "$SBIN/sync-server" serve --db "$db" --port 0 > "$WORK/serve-$i.out" 2> "$WORK/serve-$i.log" &
        pids="$pids $!"
        for _ in $(seq 1 100); do grep -q "listening on" "$WORK/serve-$i.out" 2>/dev/null && break; sleep 0.1; done
        urls="$urls${urls:+,}http://$(sed -n 's/^listening on //p' "$WORK/serve-$i.out")"
    done
    SERVER_PID="$pids"
    "$SBIN/sync-bench" load "$VILLAGES" 1000 "$2" "$urls" "$db" "$3"
    for pid in $pids; do
        echo "server peak memory (VmHWM): $(awk '/VmHWM/ {print $2, $3}' /proc/$pid/status) (target <= 200 MB)"
        kill "$pid"; wait "$pid" 2>/dev/null || true
    done
    rm -f "$WORK"/serve-*.out
}
trap 'kill ${SERVER_PID:-0} 2>/dev/null || true; rm -rf "$WORK"' EXIT
load all-at-once 50 "$VILLAGES"
load fifty-at-a-time 1000 50

# The same on PostgreSQL, in the same run: with $SYNC_BENCH_POSTGRES (a server and a role that may create
# databases), or else a throwaway cluster (scripts/pg-cluster.sh) when PostgreSQL is installed.
PG="${SYNC_BENCH_POSTGRES:-}"
if [ -z "$PG" ] && ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    PGDIR="$(mktemp -d /tmp/bench-pg.XXXXXX)"; chmod 755 "$PGDIR"
    trap 'kill ${SERVER_PID:-0} 2>/dev/null || true; scripts/pg-cluster.sh stop "$PGDIR"; rm -rf "$WORK"' EXIT
    PG="$(scripts/pg-cluster.sh start "$PGDIR")"
fi
if [ -n "$PG" ]; then
    export SYNC_BENCH_POSTGRES="$PG"
    "$SBIN/sync-bench" apply 500
    "$SBIN/sync-bench" apply 50 concurrent
    "$SBIN/sync-bench" apply 500 concurrent
    "$SBIN/sync-bench" floor
    "$SBIN/sync-bench" pull
    newdb() { local name="bench_$1_$$"; psql -X -q -d "$PG" -c "CREATE DATABASE $name" >&2; python3 -c 'import sys, urllib.parse as u; p = u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path="/" + sys.argv[2])))' "$PG" "$name"; }
    load all-at-once 50 "$VILLAGES" "$(newdb a)" 1
    load all-at-once 50 "$VILLAGES" "$(newdb b)" 2
    load fifty-at-a-time 1000 50 "$(newdb c)" 1
    load fifty-at-a-time 1000 50 "$(newdb d)" 2
else
    echo "PostgreSQL not installed: its figures were skipped"
fi
