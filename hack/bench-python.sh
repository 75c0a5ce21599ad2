#!/usr/bin/env bash
# A fleet-size benchmark of tests/benchmark/ (bench_fleet.py for `make bench-fleet`, bench_shards.py for
# `make bench-shards`): its measurement, then its report (summary, chart, the generated block of docs/benchmarks.md).
# Both start the eras they need and leave them up (make cluster-down stops them); neither is part of make test.
#   hack/bench-python.sh SCRIPT [ARGS...]   # ARGS go to the script; --report only rewrites the report
set -euo pipefail
# shellcheck source=hack/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

script=${1:?usage: hack/bench-python.sh bench_fleet.py|bench_shards.py [ARGS...]}
shift
[[ -f "${REPO_ROOT}/tests/benchmark/${script}" ]] || die "no tests/benchmark/${script}"
use_venv
run pip install -q -r "${REPO_ROOT}/tests/benchmark/requirements-bench.txt"
cd "${REPO_ROOT}"
if [[ " $* " != *" --report "* ]]; then
  run tests/cluster/install-deps.sh
  run python "tests/benchmark/${script}" "$@"
fi
run python "tests/benchmark/${script}" --report
