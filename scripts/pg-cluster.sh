#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests: `scripts/pg-cluster.sh start DIR` creates it in DIR (a new, empty
# directory), starts it on a free port of 127.0.0.1 and prints its postgres:// URL; `scripts/pg-cluster.sh stop DIR`
# stops it and removes DIR. Durable settings as in production (fsync on, synchronous_commit on, full page writes),
# password authentication (SCRAM) even on loopback, as a county's server would log in.
# Run as root (CI), it runs the server as the unprivileged `postgres` user the Debian package creates.
set -euo pipefail
action=${1:?usage: pg-cluster.sh start|stop DIR}
dir=${2:?usage: pg-cluster.sh start|stop DIR}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$bin" ] || { echo "PostgreSQL is not installed (apt-get install --no-install-recommends postgresql)" >&2; exit 1; }
as_owner() {
    if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi
}
case $action in
start)
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres "$dir"
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    echo county-test > "$dir/pw"
    [ "$(id -u)" = 0 ] && chown postgres "$dir/pw"
    as_owner "$bin/initdb -D '$dir/data' -U county --auth=scram-sha-256 --pwfile='$dir/pw' -E UTF8 --locale=C.UTF-8" > "$dir/initdb.log"
    as_owner "$bin/pg_ctl -D '$dir/data' -l '$dir/server.log' -w -o \"-p $port -k '$dir' -c listen_addresses=127.0.0.1 -c fsync=on -c synchronous_commit=on -c full_page_writes=on -c max_connections=200\" start" > /dev/null
    PGPASSWORD=county-test "$bin/psql" -q -h 127.0.0.1 -p "$port" -U county -d postgres -c "CREATE DATABASE county" > /dev/null
    echo "postgres://county:county-test@127.0.0.1:$port/county"
    ;;
stop)
    [ -d "$dir/data" ] && as_owner "$bin/pg_ctl -D '$dir/data' -m fast -w stop" > /dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
*) echo "usage: pg-cluster.sh start|stop DIR" >&2; exit 64 ;;
esac
