#!/usr/bin/env bash
# `npm run services`: the real services the test suites and benchmarks use, on 127.0.0.1.
set -euo pipefail
bash "$(dirname "${BASH_SOURCE[0]}")/postgres.sh"
