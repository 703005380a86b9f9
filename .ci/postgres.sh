#!/usr/bin/env bash
# Start a throwaway PostgreSQL server on 127.0.0.1 for the run-store tests and export
# STRATAGEM_TEST_PG. Sourced by .ci/run; installs Debian's postgresql where missing.
set -euo pipefail
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
PGBIN=$(dirname "$(ls /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n 1)")
PGDATA=$(mktemp -d /tmp/stratagem-pg.XXXXXX)
PGPORT=${PGPORT:-55432}
chown postgres "$PGDATA"
run_pg() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi; }
run_pg "$PGBIN/initdb -D $PGDATA -A trust -U postgres >/dev/null"
run_pg "$PGBIN/pg_ctl -D $PGDATA -o '-p $PGPORT -h 127.0.0.1 -k $PGDATA' -l $PGDATA/log -w start >/dev/null"
run_pg "$PGBIN/createdb -h 127.0.0.1 -p $PGPORT -U postgres stratagem_test"
export STRATAGEM_TEST_PG="postgresql+psycopg://postgres@127.0.0.1:$PGPORT/stratagem_test"
stop_pg() { run_pg "$PGBIN/pg_ctl -D $PGDATA -m fast stop >/dev/null" || true; rm -rf "$PGDATA"; }
trap stop_pg EXIT
echo "PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PGPORT"
