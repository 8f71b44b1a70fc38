#!/usr/bin/env bash
# A throwaway MQTT broker (Mosquitto) on 127.0.0.1:11883 for the streaming tests; prints
# LAKEWARD_TEST_MQTT_URL as its last line.
#
#   bash test/services/mosquitto.sh [start|stop|restart|status]
#
# The broker is Debian's mosquitto (installed when missing; the system service the package
# may start is stopped and disabled, since we run our own). Persistence is on, in
# ${TMPDIR:-/tmp}/lakeward-test-mqtt-11883, so persistent sessions and their queued QoS 1/2
# messages survive stop/restart and a test can take the broker away and bring it back.
# Safe to run again: a running broker is reused.
set -euo pipefail

port="${LAKEWARD_TEST_MQTT_PORT:-11883}"
state="${TMPDIR:-/tmp}/lakeward-test-mqtt-$port"
pidfile="$state/mosquitto.pid"
log="$state/mosquitto.log"
conf="$state/mosquitto.conf"
line="LAKEWARD_TEST_MQTT_URL=mqtt://127.0.0.1:$port"

say() { echo "mosquitto: $*" >&2; }

port_open() { timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }

running_pid() {
  local pid
  [[ -s "$pidfile" ]] || return 1
  pid="$(cat "$pidfile")"
  # Alive, and ours (not another process that got the pid after a reboot).
  kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "mosquitto" && echo "$pid"
}

ensure_broker() {
  if [[ -x /usr/sbin/mosquitto ]] || command -v mosquitto >/dev/null; then return; fi
  say "installing mosquitto from Debian packages…"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq mosquitto >&2
  # The package starts its own service on 1883 where an init system runs: not ours.
  if command -v systemctl >/dev/null && [[ -d /run/systemd/system ]]; then
    systemctl disable --now mosquitto >/dev/null 2>&1 || true
  fi
  if command -v service >/dev/null; then service mosquitto stop >/dev/null 2>&1 || true; fi
  if command -v update-rc.d >/dev/null; then update-rc.d mosquitto disable >/dev/null 2>&1 || true; fi
}

mosquitto_bin() {
  if [[ -x /usr/sbin/mosquitto ]]; then echo /usr/sbin/mosquitto; else command -v mosquitto; fi
}

write_config() {
  mkdir -p "$state/data"
  cat >"$conf" <<CONF
# Written by test/services/mosquitto.sh; rewritten on every start.
per_listener_settings false
listener $port 127.0.0.1
allow_anonymous true
persistence true
persistence_location $state/data/
autosave_interval 10
# A persistent session keeps what arrives while its subscriber is away.
max_queued_messages 100000
max_queued_bytes 0
max_inflight_messages 1000
set_tcp_nodelay true
log_dest file $log
log_type error
log_type warning
log_type notice
log_type information
connection_messages true
CONF
  # Run as root, mosquitto drops to the mosquitto user, which must write the state.
  if [[ "$(id -u)" == 0 ]] && id mosquitto >/dev/null 2>&1; then
    chown -R mosquitto: "$state"
  fi
}

wait_ready() {
  local pid="$1"
  for _ in $(seq 1 300); do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 40 "$log" "$state/stdout.log" >&2 || true
      say "the broker exited while starting"
      exit 1
    fi
    if port_open "$port"; then return; fi
    sleep 0.1
  done
  tail -n 40 "$log" >&2 || true
  say "not ready after 30s"
  exit 1
}

start() {
  local pid bin
  if pid="$(running_pid)"; then
    say "already running (pid $pid)"
    wait_ready "$pid"
    echo "$line"
    return
  fi
  if port_open "$port"; then
    say "reusing the MQTT broker already listening on 127.0.0.1:$port"
    echo "$line"
    return
  fi
  ensure_broker
  bin="$(mosquitto_bin)"
  mkdir -p "$state"
  write_config
  rm -f "$pidfile"
  # Detached (own session) so that it outlives the shell or test that started it.
  setsid bash -c 'echo $$ >"$1"; shift; exec "$@"' _ "$pidfile" "$bin" -c "$conf" \
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
  # SIGTERM: mosquitto saves its persistence file before it exits.
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
