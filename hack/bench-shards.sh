#!/usr/bin/env bash
# Shards benchmark (tests/benchmark/bench_shards.py): one ephemeral_container task over 10,000 pods of the scale bed
# (kwok) as one ansible-runner process, as 4 and 8 shards at once, and 4 shards with one killed and re-run; each pod
# written exactly once (the audit log). Starts the scale era and leaves it up (make cluster-down stops it); the
# fleet's namespace is kept for the next run. Not part of make test (about 30 min with the fleet's creation).
# Arguments go to bench_shards.py: --n 1000,10000, --configs 1,4,8,4k, --report.
set -euo pipefail
# shellcheck source=hack/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

use_venv
run pip install -q -r "${REPO_ROOT}/tests/benchmark/requirements-bench.txt"
cd "${REPO_ROOT}"
if [[ " $* " != *" --report "* ]]; then
  run tests/cluster/install-deps.sh
  run python tests/benchmark/bench_shards.py "$@"
fi
run python tests/benchmark/bench_shards.py --report
