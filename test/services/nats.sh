#!/usr/bin/env bash
# A throwaway NATS server with JetStream on 127.0.0.1:14222 for the streaming tests; prints
# LAKEWARD_TEST_NATS_URL as its last line.
#
#   bash test/services/nats.sh [start|stop|restart|status]
#
# The server is Debian's nats-server (installed when missing). JetStream keeps its streams in
# ${TMPDIR:-/tmp}/lakeward-test-nats-14222, which survives stop/restart, so a test can take
# the server away and bring it back. Safe to run again: a running server is reused.
set -euo pipefail

name=nats
label="NATS server"
process=nats-server
port="${LAKEWARD_TEST_NATS_PORT:-14222}"
state="${TMPDIR:-/tmp}/lakeward-test-nats-$port"
pidfile="$state/nats.pid"
log="$state/nats.log"
line="LAKEWARD_TEST_NATS_URL=nats://127.0.0.1:$port"

# shellcheck source=broker-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/broker-lib.sh"

# The client port opens once JetStream is up, so the default readiness check suffices.
prepare() {
  if ! command -v nats-server >/dev/null; then
    say "installing nats-server from Debian packages…"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq nats-server >&2
  fi
  mkdir -p "$state/jetstream"
  server=(nats-server -js -a 127.0.0.1 -p "$port" -sd "$state/jetstream" -l "$log")
}

broker_main "$@"
