#!/usr/bin/env bash
# Create or update .venv from tests/requirements-dev.txt and requirements.txt.
# A stamp file holding a hash of both files (and of the interpreter version) makes repeated calls a no-op.
set -euo pipefail
# shellcheck source=hack/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PYTHON="${PYTHON:-python3.11}"
command -v "${PYTHON}" >/dev/null 2>&1 || PYTHON=python3
command -v "${PYTHON}" >/dev/null 2>&1 || die "no python3.11 or python3 on PATH"

REQ_FILES=("${REPO_ROOT}/tests/requirements-dev.txt" "${REPO_ROOT}/requirements.txt")
for f in "${REQ_FILES[@]}"; do
  [[ -f "$f" ]] || die "missing requirements file: $f"
done

STAMP="${VENV}/.kubedebug-requirements.sha256"
want="$({ "${PYTHON}" -c 'import sys; print(sys.version.split()[0])'; cat "${REQ_FILES[@]}"; } | sha256sum | cut -d' ' -f1)"

if [[ -x "${VENV}/bin/python" && -f "${STAMP}" && "$(cat "${STAMP}")" == "${want}" ]]; then
  log "venv ${VENV} is up to date"
  exit 0
fi

if [[ ! -x "${VENV}/bin/python" ]]; then
  log "creating venv ${VENV} with $(command -v "${PYTHON}")"
  run "${PYTHON}" -m venv "${VENV}"
fi

log "installing ${REQ_FILES[*]#"${REPO_ROOT}/"} into ${VENV}"
run "${VENV}/bin/python" -m pip install --disable-pip-version-check -q -r "${REQ_FILES[0]}" -r "${REQ_FILES[1]}"
run "${VENV}/bin/python" -m pip check
printf '%s\n' "${want}" > "${STAMP}"
log "venv ready: ${VENV}"
