#!/usr/bin/env bash
# Stops the throwaway PostgreSQL started by postgres.sh; its data stays for the next start.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/postgres-env.sh"

bin="$(find_pg_bin)"
for dir in "$state" "$fallback_state"; do
  if [[ -n "$bin" && -s "$dir/data/PG_VERSION" ]] &&
    as_postgres "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
    as_postgres "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
    echo "PostgreSQL stopped." >&2
    exit 0
  fi
done
echo "PostgreSQL was not running." >&2
