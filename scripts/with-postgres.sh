#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL cluster on loopback, then stops and deletes the cluster.
#
#   scripts/with-postgres.sh npm test
#
# The command sees TEST_DATABASE_URL=postgres://postgres@127.0.0.1:<port>/postgres (a superuser, so
# tests can create a fresh database each). PostgreSQL refuses to run as root: under root the server
# runs as the `postgres` user, the command itself as the caller.
#
# PG_DURABLE=1 keeps fsync on (for benchmarks); by default the cluster trades durability for speed,
# which is what a throwaway test database wants. If TEST_DATABASE_URL is already set, the command
# simply runs against that server.
set -euo pipefail

if [[ $# -eq 0 ]]; then
  echo "usage: $0 <command> [args…]" >&2
  exit 2
fi

if [[ -n "${TEST_DATABASE_URL:-}" ]]; then
  exec "$@"
fi

find_bin() {
  if [[ -n "${PG_BIN:-}" ]]; then echo "$PG_BIN"; return; fi
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [[ -n "$dir" && -x "$dir/initdb" ]]; then echo "$dir"; return; fi
  if command -v initdb >/dev/null 2>&1; then dirname "$(command -v initdb)"; return; fi
  if command -v pg_config >/dev/null 2>&1; then pg_config --bindir; return; fi
}

BIN=$(find_bin)
if [[ -z "$BIN" || ! -x "$BIN/initdb" ]]; then
  echo "with-postgres: no PostgreSQL found (install the postgresql package, or set PG_BIN)" >&2
  exit 3
fi

# As root, run the server as `postgres`; otherwise as ourselves.
as_server_user() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

DIR=$(mktemp -d "${TMPDIR:-/tmp}/vistka-pg.XXXXXX")
chmod 700 "$DIR"
if [[ $(id -u) -eq 0 ]]; then chown postgres: "$DIR"; fi

PORT=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")

cleanup() {
  as_server_user "$BIN/pg_ctl" -D "$DIR/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$DIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

as_server_user "$BIN/initdb" -D "$DIR/data" -U postgres --auth=trust -E UTF8 --no-locale >"$DIR/initdb.log" 2>&1 || {
  cat "$DIR/initdb.log" >&2
  exit 4
}

OPTIONS="-c listen_addresses=127.0.0.1 -c port=$PORT -c unix_socket_directories=$DIR -c max_connections=300"
if [[ "${PG_DURABLE:-0}" != "1" ]]; then
  OPTIONS="$OPTIONS -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
fi
as_server_user "$BIN/pg_ctl" -D "$DIR/data" -o "$OPTIONS" -l "$DIR/server.log" -w -t 60 start >/dev/null || {
  cat "$DIR/server.log" >&2
  exit 5
}

export TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$PORT/postgres"
echo "with-postgres: PostgreSQL $("$BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PORT (durable: ${PG_DURABLE:-0})" >&2

set +e
"$@"
STATUS=$?
set -e
exit $STATUS
