#!/usr/bin/env bash
# Stops the throwaway Kafka, NATS and MQTT brokers started by kafka.sh, nats.sh and
# mosquitto.sh (each by its pid file); their data stays for the next start.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
status=0
for script in kafka.sh nats.sh mosquitto.sh; do
  bash "$here/$script" stop || status=1
done
exit "$status"
