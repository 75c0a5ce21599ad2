#!/usr/bin/env bash
# Integration tests on the local test bed (tests/cluster): real kube-apiserver, kubelet and
# containerd, current (1.37) and legacy (1.21) eras. The pytest fixtures start each era once
# and stop it afterwards; the trap below also stops the test bed if pytest itself dies.
# Set KUBECONFIG to run the cluster tests against your cluster instead of the current era.
# Extra arguments go to pytest (e.g. -k java, -m "not legacy"); test files given run instead of the whole suite.
set -euo pipefail
# shellcheck source=hack/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

run "${REPO_ROOT}/tests/cluster/install-deps.sh"
use_venv
if [[ "${KUBEDEBUG_TESTBED_KEEP:-0}" != 1 ]]; then
  trap '"${REPO_ROOT}/tests/cluster/testbed.sh" down all || true' EXIT
fi
cd "${REPO_ROOT}"
# Test files or directories given on the command line replace the whole suite.
targets=(tests/integration)
for arg in "$@"; do
  if [[ ${arg} != -* && -e ${arg%%::*} ]]; then
    targets=()
    break
  fi
done
rc=0
run python -m pytest -p no:cacheprovider "${targets[@]}" "$@" || rc=$?
if [[ ${rc} -eq 5 ]]; then
  die "pytest collected no integration tests"
elif [[ ${rc} -ne 0 ]]; then
  die "integration tests failed (pytest exit code ${rc})"
fi
log "integration tests passed"
