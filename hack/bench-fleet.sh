#!/usr/bin/env bash
# Fleet benchmark (tests/benchmark/bench_fleet.py): ephemeral_container against kubectl debug on
# N = 10, 50, 200, 1000 pods of the scale bed (kwok) and N = 10, 50, 100 real pods of the current era.
# Starts the eras it needs and leaves them up (make cluster-down stops them). Not part of make test.
# Arguments go to bench_fleet.py: --bed scale|real, --n 10,50, --sides ..., --loop-cap 200, --report.
set -euo pipefail
# shellcheck source=hack/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

use_venv
run pip install -q -r "${REPO_ROOT}/tests/benchmark/requirements-bench.txt"
cd "${REPO_ROOT}"
if [[ " $* " != *" --report "* ]]; then
  run tests/cluster/install-deps.sh
  run python tests/benchmark/bench_fleet.py "$@"
fi
run python tests/benchmark/bench_fleet.py --report
