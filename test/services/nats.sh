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

port="${LAKEWARD_TEST_NATS_PORT:-14222}"
state="${TMPDIR:-/tmp}/lakeward-test-nats-$port"
pidfile="$state/nats.pid"
log="$state/nats.log"
line="LAKEWARD_TEST_NATS_URL=nats://127.0.0.1:$port"

say() { echo "nats: $*" >&2; }

port_open() { timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }

running_pid() {
  local pid
  [[ -s "$pidfile" ]] || return 1
  pid="$(cat "$pidfile")"
  # Alive, and ours (not another process that got the pid after a reboot).
  kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "nats-server" && echo "$pid"
}

ensure_server() {
  if command -v nats-server >/dev/null; then return; fi
  say "installing nats-server from Debian packages…"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq nats-server >&2
}

wait_ready() {
  local pid="$1"
  for _ in $(seq 1 300); do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 40 "$log" "$state/stdout.log" >&2 || true
      say "the server exited while starting"
      exit 1
    fi
    # The client port opens once JetStream is up.
    if port_open "$port"; then return; fi
    sleep 0.1
  done
  tail -n 40 "$log" >&2 || true
  say "not ready after 30s"
  exit 1
}

start() {
  local pid
  if pid="$(running_pid)"; then
    say "already running (pid $pid)"
    wait_ready "$pid"
    echo "$line"
    return
  fi
  if port_open "$port"; then
    say "reusing the NATS server already listening on 127.0.0.1:$port"
    echo "$line"
    return
  fi
  ensure_server
  mkdir -p "$state/jetstream"
  rm -f "$pidfile"
  # Detached (own session) so that it outlives the shell or test that started it.
  setsid bash -c 'echo $$ >"$1"; shift; exec "$@"' _ "$pidfile" \
    nats-server -js -a 127.0.0.1 -p "$port" -sd "$state/jetstream" -l "$log" \
    >"$state/stdout.log" 2>&1 </dev/null &
  for _ in $(seq 1 50); do [[ -s "$pidfile" ]] && break; sleep 0.1; done
  pid="$(cat "$pidfile")"
  wait_ready "$pid"
  say "started on 127.0.0.1:$port (pid $pid, log: $log)"
  echo "$line"
}

stop() {
  local pid
  if ! pid="$(running_pid)"; then
    rm -f "$pidfile"
    say "was not running"
    return
  fi
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 150); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    say "still running after 15s: killing it"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 0.2
  fi
  rm -f "$pidfile"
  say "stopped"
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  restart)
    stop
    start
    ;;
  status)
    if pid="$(running_pid)"; then say "running (pid $pid)" && echo "$line"; else say "not running" && exit 1; fi
    ;;
  *)
    echo "usage: $0 [start|stop|restart|status]" >&2
    exit 2
    ;;
esac
