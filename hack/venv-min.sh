#!/usr/bin/env bash
# A second venv with the oldest supported kubernetes client (tests/requirements-min.txt), so the
# declared floor is exercised, not assumed. A stamp makes repeated calls a no-op. Prints its python.
set -euo pipefail
# shellcheck source=hack/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

MIN_VENV="${MIN_VENV:-${REPO_ROOT}/.venv-min}"
PYTHON="${PYTHON:-python3.11}"
command -v "${PYTHON}" >/dev/null 2>&1 || PYTHON=python3
REQ="${REPO_ROOT}/tests/requirements-min.txt"
STAMP="${MIN_VENV}/.kubedebug-requirements.sha256"
want="$({ "${PYTHON}" -c 'import sys; print(sys.version.split()[0])'; cat "${REQ}"; } | sha256sum | cut -d' ' -f1)"
if [[ ! -x "${MIN_VENV}/bin/python" || ! -f "${STAMP}" || "$(cat "${STAMP}")" != "${want}" ]]; then
  log "creating ${MIN_VENV} from ${REQ#"${REPO_ROOT}/"}"
  [[ -x "${MIN_VENV}/bin/python" ]] || "${PYTHON}" -m venv "${MIN_VENV}" >&2
  "${MIN_VENV}/bin/python" -m pip install --disable-pip-version-check -q -r "${REQ}" >&2
  printf '%s\n' "${want}" > "${STAMP}"
fi
echo "${MIN_VENV}/bin/python"
