#!/usr/bin/env bash
# Starts a throwaway PostgreSQL on 127.0.0.1:55432 for the metastore tests and prints the
# LAKEWARD_TEST_POSTGRES_URL to use. Safe to run again: a running server is reused.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/postgres-env.sh"

database=lakeward_test
bin="$(find_pg_bin)"
if [[ -z "$bin" ]]; then
  echo "Installing PostgreSQL from Debian packages…" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
  bin="$(find_pg_bin)"
fi
if [[ -z "$bin" ]]; then
  echo "PostgreSQL's initdb was not found after installing the postgresql package." >&2
  exit 1
fi

choose_state
data="$state/data"
if [[ ! -s "$data/PG_VERSION" ]]; then
  as_postgres "$bin/initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 \
    --locale=C.UTF-8 >/dev/null
fi

if as_postgres "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
  echo "PostgreSQL already running on 127.0.0.1:$port" >&2
elif "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" -U postgres; then
  # Another checkout's throwaway server (same script) holds the port: share it.
  echo "Reusing the PostgreSQL already listening on 127.0.0.1:$port" >&2
else
  # No Unix socket: its path length limit would break deep checkouts, and tests use TCP.
  as_postgres "$bin/pg_ctl" -D "$data" -l "$state/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories='' -c fsync=off -c max_connections=200" \
    start >/dev/null
  echo "PostgreSQL started on 127.0.0.1:$port (log: $state/server.log)" >&2
fi

psql_admin() { as_postgres "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -tAc "$1"; }
if [[ "$(psql_admin "SELECT 1 FROM pg_database WHERE datname = '$database'")" != 1 ]]; then
  psql_admin "CREATE DATABASE $database" >/dev/null
fi

echo "LAKEWARD_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:$port/$database"
