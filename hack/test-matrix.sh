#!/usr/bin/env bash
# The version matrix (tests/integration/matrix): kube-apiserver of each minor 1.16-1.28 built first (cached under
# the test bed's cache, like the other eras; a minor that does not build fails the run), then the matrix tests on
# each minor in turn, one etcd and kube-apiserver at a time. MATRIX_MINORS="16 18 22 25" runs a subset.
# The support table in docs/ephemeral-containers.md and docs/feature-gates.md (and their zh-CN twins) is written
# from this run's results by hack/matrix_table.py --update-docs.
set -euo pipefail
# shellcheck source=hack/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

minors=${MATRIX_MINORS:-all}
use_venv
cd "${REPO_ROOT}"
started=$(date +%s)
# Builds take every core for minutes; nice keeps the machine usable meanwhile.
# shellcheck disable=SC2086 # one word per minor
run nice -n 19 "${REPO_ROOT}/tests/cluster/testbed.sh" matrix build ${minors}
built=$(date +%s)
[[ ${minors} == all ]] && minors=""
mkdir -p tests/output
rc=0
KUBEDEBUG_MATRIX_MINORS="${minors}" run python -m pytest -p no:cacheprovider tests/integration/matrix -m matrix \
  --junitxml=tests/output/matrix-junit.xml "$@" || rc=$?
log "matrix: builds $((built - started)) s, tests $(($(date +%s) - built)) s"
run python hack/matrix_table.py tests/output/matrix-junit.xml
[[ ${rc} -eq 0 ]] || die "matrix tests failed (pytest exit code ${rc})"
log "matrix tests passed"
