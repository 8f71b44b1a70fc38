#!/usr/bin/env bash
# `npm run services`: the real services the test suites and benchmarks use, on 127.0.0.1.
# Each prints the LAKEWARD_TEST_… line to export; test/services/brokers-stop.sh and
# postgres-stop.sh stop them.
set -euo pipefail
here="$(dirname "${BASH_SOURCE[0]}")"
bash "$here/postgres.sh"
bash "$here/kafka.sh"
bash "$here/nats.sh"
bash "$here/mosquitto.sh"
