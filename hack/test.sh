#!/usr/bin/env bash
# The whole test suite, as CI runs it: unit, sanity, lint, build, docs, then the integration
# tests on the local test bed. Prints how long each step took.
set -euo pipefail
# shellcheck source=hack/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

steps=(venv.sh unit.sh sanity.sh lint.sh build.sh docs.sh integration.sh)
timings=()
for step in "${steps[@]}"; do
  started=${SECONDS}
  log "step ${step}"
  "${REPO_ROOT}/hack/${step}"
  timings+=("${step} $((SECONDS - started)) s")
done
log "all steps passed"
printf '  %s\n' "${timings[@]}" >&2
