#!/usr/bin/env bash
# The test bed's one entry point: tests/cluster/testbed.sh up current | down | status | ...
set -euo pipefail
cd "$(dirname "$0")"
exec python3 -m testbed "$@"
