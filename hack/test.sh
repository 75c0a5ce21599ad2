#!/usr/bin/env bash
# The whole test suite, as CI runs it: unit, sanity, lint, build, docs, then the integration
# tests on the local test bed (whose binaries and images are built meanwhile, in the background).
# Prints how long each step took.
set -euo pipefail
# shellcheck source=hack/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# The test bed's builds (Go binaries of every era, images) need nothing from the checks: they start
# now, side by side with them, and integration.sh waits for them.
run "${REPO_ROOT}/tests/cluster/install-deps.sh"
mkdir -p "${REPO_ROOT}/.cache"
prepare_log="${REPO_ROOT}/.cache/testbed-build.log"
"${REPO_ROOT}/tests/cluster/testbed.sh" build all > "${prepare_log}" 2>&1 &
prepare_pid=$!
trap 'kill "${prepare_pid}" 2>/dev/null || true' EXIT

steps=(venv.sh unit.sh sanity.sh lint.sh build.sh docs.sh testbed-build integration.sh)
timings=()
for step in "${steps[@]}"; do
  started=${SECONDS}
  log "step ${step}"
  if [[ ${step} == testbed-build ]]; then
    wait "${prepare_pid}" || { tail -n 40 "${prepare_log}" >&2; die "building the test bed failed (log: ${prepare_log})"; }
    log "test bed built ($(grep -c . "${prepare_log}") log lines: ${prepare_log})"
  else
    "${REPO_ROOT}/hack/${step}"
  fi
  timings+=("${step} $((SECONDS - started)) s")
done
trap - EXIT
log "all steps passed"
printf '  %s\n' "${timings[@]}" >&2
