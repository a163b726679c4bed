#!/usr/bin/env bash
# A private PostgreSQL server for the tests, on loopback, with its data in a temporary folder.
#
#   scripts/test-postgres.sh start   start it (or reuse the running one); prints its URL
#   scripts/test-postgres.sh restart stop and start it again, keeping its data (fault drills)
#   scripts/test-postgres.sh stop    stop it and delete its data
#
# PostgreSQL refuses to run as root, so as root the server runs as the 'postgres' user.
set -euo pipefail

port="${TEST_POSTGRES_PORT:-54329}"
data="${TMPDIR:-/tmp}/licence-reminder-test-pg-$port"
bin=$(dirname "$(command -v initdb 2>/dev/null || ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -1)")
[ -x "$bin/pg_ctl" ] || { echo "test-postgres: PostgreSQL is not installed; run 'npm run setup -- --test'." >&2; exit 1; }

# Under a moved clock (scripts/test-shifted.sh) libfaketime shares its state through shared memory
# that only the user who made it may open: the 'postgres' user's processes make their own.
as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- env -u FAKETIME_SHARED "$@"; else "$@"; fi
}

case "${1:-}" in
  start)
    if ! as_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
      rm -rf "$data"
      mkdir -p "$data"
      [ "$(id -u)" = 0 ] && chown postgres "$data"
      as_owner "$bin/initdb" -D "$data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
      as_owner "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w \
        -o "-p $port -k $data -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null
    fi
    echo "postgresql://postgres@127.0.0.1:$port/postgres"
    ;;
  restart)
    as_owner "$bin/pg_ctl" -D "$data" -w -m fast restart >/dev/null
    ;;
  stop)
    as_owner "$bin/pg_ctl" -D "$data" -m fast stop >/dev/null 2>&1 || true
    rm -rf "$data"
    ;;
  *)
    echo "usage: $0 start|restart|stop" >&2
    exit 2
    ;;
esac
