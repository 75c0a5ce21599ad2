#!/usr/bin/env bash
# Benchmark: the ephemeral_container module side by side with kubectl debug (tests/benchmark/).
# Uses $KUBECONFIG when set (then KUBECTL, default `kubectl`, and KUBEDEBUG_BENCH_IMAGE, a
# busybox image with ps that the cluster can run); otherwise the test bed's current era, which
# it starts if it is down and leaves running (stop it with `make cluster-down`).
# Extra arguments go to tests/benchmark/bench_ephemeral.py (--rounds, --pods, --update-doc, --keep).
# Writes tests/benchmark/results/ (git-ignored). Asserts correctness of each run, never timing.
set -euo pipefail
# shellcheck source=hack/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

testbed="${REPO_ROOT}/tests/cluster/testbed.sh"
current_up() {
  "${testbed}" status | awk '$1 == "current" && $3 == "up" { found = 1 } END { exit !found }'
}
if [[ -z "${KUBECONFIG:-}" ]]; then
  # `up` only when the era is down: other runs may be using it.
  if current_up; then
    log "the test bed's current era is up"
  else
    run "${REPO_ROOT}/tests/cluster/install-deps.sh"
    log "starting the test bed's current era (it stays up; make cluster-down stops it)"
    "${testbed}" up current >/dev/null
  fi
  eval "$("${testbed}" env current)"
  KUBECTL="$(command -v kubectl)"
  export KUBECTL KUBEDEBUG_BENCH_CLUSTER="test bed, current era"
else
  export KUBECTL="${KUBECTL:-kubectl}"
  export KUBEDEBUG_BENCH_CLUSTER="\$KUBECONFIG"
fi
use_venv
cd "${REPO_ROOT}"
run python tests/benchmark/bench_ephemeral.py "$@"
