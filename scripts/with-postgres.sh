#!/usr/bin/env bash
# Run a command with DATABASE_URL pointing at a throwaway PostgreSQL cluster on loopback.
# The cluster lives in a temporary folder and is removed on exit. Needs Debian's `postgresql`.
set -euo pipefail
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$PGBIN" ]; then
  echo "PostgreSQL is not installed: apt-get install -y postgresql" >&2
  exit 2
fi
PORT=${PGPORT_TEST:-54329}
DIR=$(mktemp -d /tmp/atm-pg.XXXXXX)
RUN_AS=()
if [ "$(id -u)" = "0" ]; then  # initdb refuses to run as root
  chown postgres "$DIR"
  RUN_AS=(runuser -u postgres --)
fi
cleanup() {
  "${RUN_AS[@]}" "$PGBIN/pg_ctl" -D "$DIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$DIR"
}
trap cleanup EXIT
"${RUN_AS[@]}" "$PGBIN/initdb" -D "$DIR/data" -U atm -A trust --encoding=UTF8 --locale=C >/dev/null
"${RUN_AS[@]}" "$PGBIN/pg_ctl" -D "$DIR/data" -l "$DIR/log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $PORT -k $DIR -c fsync=off -c max_connections=200" start >/dev/null
"${RUN_AS[@]}" "$PGBIN/createdb" -h 127.0.0.1 -p "$PORT" -U atm atm
export DATABASE_URL="postgresql+psycopg://atm@127.0.0.1:$PORT/atm"
echo "PostgreSQL test server: $DATABASE_URL"
"$@"
