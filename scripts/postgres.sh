#!/usr/bin/env bash
# Start a throwaway PostgreSQL server on 127.0.0.1 for the tests; prints the SQLAlchemy URL.
# Installs Debian's postgresql package when no server is on the machine (needs root).
set -euo pipefail
PORT="${PROSCRIBE_PG_PORT:-55432}"
find_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
PGBIN="$(find_bin || true)"
if [[ -z "$PGBIN" || ! -x "$PGBIN/initdb" ]]; then
  echo "installing PostgreSQL from Debian's packages..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
  PGBIN="$(find_bin)"
fi
RUN_AS=()
if [[ "$(id -u)" == "0" ]]; then RUN_AS=(runuser -u postgres --); fi
PGDATA="${PROSCRIBE_PGDATA:-/tmp/proscribe-pgdata-$PORT}"
if "${RUN_AS[@]}" "$PGBIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; then
  :
else
  rm -rf "$PGDATA"
  mkdir -p "$PGDATA"
  [[ "$(id -u)" == "0" ]] && chown postgres:postgres "$PGDATA"
  "${RUN_AS[@]}" "$PGBIN/initdb" -D "$PGDATA" -A trust -U postgres -E UTF8 >/dev/null
  "${RUN_AS[@]}" "$PGBIN/pg_ctl" -D "$PGDATA" -w -l "$PGDATA/server.log" \
    -o "-p $PORT -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
fi
"${RUN_AS[@]}" "$PGBIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -tAc \
  "SELECT 1 FROM pg_database WHERE datname='proscribe_test'" | grep -q 1 || \
  "${RUN_AS[@]}" "$PGBIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -qc "CREATE DATABASE proscribe_test" >/dev/null
echo "postgresql+psycopg://postgres@127.0.0.1:$PORT/proscribe_test"
