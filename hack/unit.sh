#!/usr/bin/env bash
# Unit tests: pytest on tests/unit of the ansible_collections copy, with the parent of ansible_collections
# on PYTHONPATH so that `ansible_collections.kubedebug.ephemeral...` imports resolve.
# Fails when no test is collected. Extra arguments go to pytest (e.g. -k wait, -n 2).
set -euo pipefail
# shellcheck source=hack/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

use_venv
use_collection_copy

[[ -d "${COLLECTION_DIR}/tests/unit" ]] || die "there is no tests/unit directory"
cd "${COLLECTION_DIR}"
export PYTHONPATH="${AC_BASE}${PYTHONPATH:+:${PYTHONPATH}}"
# Once with the pinned client, once with the oldest one we declare (tests/requirements-min.txt).
min_python="$("${REPO_ROOT}/hack/venv-min.sh")"
for python in python "${min_python}"; do
  rc=0
  run "${python}" -m pytest -q -p no:cacheprovider tests/unit "$@" || rc=$?
  if [[ ${rc} -eq 5 ]]; then
    die "pytest collected no tests in tests/unit"
  elif [[ ${rc} -ne 0 ]]; then
    die "unit tests failed with $("${python}" -c 'import kubernetes; print("kubernetes", kubernetes.__version__)') (pytest exit code ${rc})"
  fi
done
log "unit tests passed (kubernetes client $(python -c 'import kubernetes; print(kubernetes.__version__)') and $("${min_python}" -c 'import kubernetes; print(kubernetes.__version__)'))"
