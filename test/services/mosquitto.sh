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

name=mosquitto
label="MQTT broker"
process=mosquitto
port="${LAKEWARD_TEST_MQTT_PORT:-11883}"
state="${TMPDIR:-/tmp}/lakeward-test-mqtt-$port"
pidfile="$state/mosquitto.pid"
log="$state/mosquitto.log"
conf="$state/mosquitto.conf"
line="LAKEWARD_TEST_MQTT_URL=mqtt://127.0.0.1:$port"

# shellcheck source=broker-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/broker-lib.sh"

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

prepare() {
  ensure_broker
  write_config
  server=("$(mosquitto_bin)" -c "$conf")
}

broker_main "$@"
