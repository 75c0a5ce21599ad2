#!/usr/bin/env bash
# A throwaway venv with the `ansible` package MAJOR from PyPI (tests/requirements-ansibleMAJOR.txt), so
# that kubernetes.core itself is at hand to test against (Galaxy is not reachable; PyPI is). Kept warm in
# the git-ignored .cache/; a stamp makes repeated calls a no-op. Prints the venv's directory.
#   hack/venv-ansible.sh 11     # ansible-core 2.18 + kubernetes.core 5.4.1
set -euo pipefail
# shellcheck source=hack/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

MAJOR="${1:?usage: hack/venv-ansible.sh MAJOR (11 or 12, see tests/requirements-ansible*.txt)}"
REQ="${REPO_ROOT}/tests/requirements-ansible${MAJOR}.txt"
[[ -f "${REQ}" ]] || die "no ${REQ#"${REPO_ROOT}/"}: which ansible package is that?"
ANSIBLE_VENV="${REPO_ROOT}/.cache/venv-ansible${MAJOR}"
PYTHON="${PYTHON:-python3.11}"
command -v "${PYTHON}" >/dev/null 2>&1 || PYTHON=python3
STAMP="${ANSIBLE_VENV}/.kubedebug-requirements.sha256"
want="$({ "${PYTHON}" -c 'import sys; print(sys.version.split()[0])'; cat "${REQ}"; } | sha256sum | cut -d' ' -f1)"
if [[ ! -x "${ANSIBLE_VENV}/bin/python" || ! -f "${STAMP}" || "$(cat "${STAMP}")" != "${want}" ]]; then
  log "creating ${ANSIBLE_VENV} from ${REQ#"${REPO_ROOT}/"} (a few minutes the first time)"
  [[ -x "${ANSIBLE_VENV}/bin/python" ]] || "${PYTHON}" -m venv "${ANSIBLE_VENV}" >&2
  "${ANSIBLE_VENV}/bin/python" -m pip install --disable-pip-version-check -q -r "${REQ}" >&2
  printf '%s\n' "${want}" > "${STAMP}"
fi
echo "${ANSIBLE_VENV}"
