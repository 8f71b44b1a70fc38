# Shared by postgres.sh and postgres-stop.sh: where the test PostgreSQL lives.
# Sourced, not run.

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
port="${LAKEWARD_TEST_POSTGRES_PORT:-55432}"
state="$here/.state/pg"
fallback_state="${TMPDIR:-/tmp}/lakeward-test-pg-$port"

find_pg_bin() {
  local found
  found="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  if [[ -n "$found" && -x "$found/initdb" ]]; then echo "$found"; fi
}

# Root may not run PostgreSQL; the server runs as the postgres OS user the package creates.
as_postgres() {
  if [[ "$(id -u)" == 0 ]]; then
    # From /, since the postgres user may not be allowed into the caller's folder.
    (cd / && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

# A checkout under a private folder (such as /root) cannot be entered by the postgres
# user; the data then goes to a temp folder instead.
choose_state() {
  mkdir -p "$state"
  if [[ "$(id -u)" == 0 ]]; then
    chown -R postgres:postgres "$state"
    if ! runuser -u postgres -- test -w "$state"; then
      echo "The postgres user cannot reach $state; using $fallback_state" >&2
      state="$fallback_state"
      mkdir -p "$state"
      chown -R postgres:postgres "$state"
    fi
  fi
}
