# shellcheck shell=bash
# What kafka.sh, nats.sh and mosquitto.sh share: a throwaway server on 127.0.0.1, detached
# so that it outlives whoever started it, known by a pid file, taken away and brought back
# by tests. Sourced, not run. The sourcing script sets
#
#   name      the prefix of its messages (kafka, nats, mosquitto)
#   label     what listens, for "reusing the $label already listening on …"
#   process   a word of the server's command line, to tell our pid from a recycled one
#   port state pidfile log line   (line: the VARIABLE=… printed as the last line)
#   ready_timeout ready_poll stop_timeout   (optional: 30 s, 0.1 s, 15 s)
#
# defines prepare (installs and configures what a start needs and sets the array `server`,
# the command to run) and may redefine is_ready (by default: the port is open); then it
# calls broker_main "$@".

say() { echo "$name: $*" >&2; }

port_open() { timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }

is_ready() { port_open "$port"; }

running_pid() {
  local pid
  [[ -s "$pidfile" ]] || return 1
  pid="$(cat "$pidfile")"
  # Alive, and ours (not another process that got the pid after a reboot).
  kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "$process" && echo "$pid"
}

wait_ready() {
  local pid="$1" timeout="${ready_timeout:-30}" deadline
  deadline=$(($(date +%s) + timeout))
  while (($(date +%s) < deadline)); do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 40 "$log" "$state/stdout.log" >&2 || true
      say "the server exited while starting"
      exit 1
    fi
    if is_ready; then return; fi
    sleep "${ready_poll:-0.1}"
  done
  tail -n 40 "$log" >&2 || true
  say "not ready after ${timeout}s"
  exit 1
}

start() {
  local pid started
  if pid="$(running_pid)"; then
    say "already running (pid $pid)"
    wait_ready "$pid"
    echo "$line"
    return
  fi
  if port_open "$port"; then
    # Another checkout's throwaway server (same script) holds the port: share it.
    say "reusing the $label already listening on 127.0.0.1:$port"
    echo "$line"
    return
  fi
  mkdir -p "$state"
  prepare
  started="$(date +%s)"
  rm -f "$pidfile"
  # Detached (own session) so that it outlives the shell or test that started it.
  setsid bash -c 'echo $$ >"$1"; shift; exec "$@"' _ "$pidfile" "${server[@]}" \
    >"$state/stdout.log" 2>&1 </dev/null &
  for _ in $(seq 1 50); do [[ -s "$pidfile" ]] && break; sleep 0.1; done
  pid="$(cat "$pidfile")"
  wait_ready "$pid"
  say "started on 127.0.0.1:$port in $(($(date +%s) - started))s (pid $pid, log: $log)"
  echo "$line"
}

stop() {
  local pid timeout="${stop_timeout:-15}"
  if ! pid="$(running_pid)"; then
    rm -f "$pidfile"
    say "was not running"
    return
  fi
  # SIGTERM first: Kafka and Mosquitto save their state on the way out.
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 $((timeout * 10))); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    say "still running after ${timeout}s: killing it"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 0.5
  fi
  rm -f "$pidfile"
  say "stopped"
}

broker_main() {
  local pid
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
}
