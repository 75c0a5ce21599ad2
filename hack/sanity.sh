#!/usr/bin/env bash
# ansible-test sanity on the ansible_collections copy, offline-capable.
#
# ansible-test --venv --requirements bootstraps pip in each venv with a get-pip script downloaded from
# ci-files.testing.ansible.com, which our machines cannot reach. It first looks in
# ~/.ansible/test/cache/get_pip_<version>.py, so we put a small shim there that seeds pip with ensurepip
# and then installs the same packages from PyPI. The pip version is asked from ansible-test itself.
#
# Usage: hack/sanity.sh [extra ansible-test sanity args, e.g. --test pylint]
# Env:   SANITY_PYTHON (default 3.11)
set -euo pipefail
# shellcheck source=hack/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SANITY_PYTHON="${SANITY_PYTHON:-3.11}"

use_venv
use_collection_copy

# Our policy: sanity passes with empty ignore files.
shopt -s nullglob
for f in "${REPO_ROOT}"/tests/sanity/ignore-*.txt; do
  if grep -qv '^[[:space:]]*$' "$f"; then
    die "${f#"${REPO_ROOT}/"} is not empty; fix the code instead of ignoring sanity errors"
  fi
done
shopt -u nullglob

log "installing the offline get-pip shim for ansible-test"
"${VENV}/bin/python" - "${SANITY_PYTHON}" <<'PY'
import os
import pathlib
import sys
import types

import ansible_test
from ansible_test._internal.python_requirements import get_venv_packages

python_version = sys.argv[1]
setup = pathlib.Path(ansible_test.__file__).parent / '_util' / 'target' / 'setup' / 'requirements.py'
if "~/.ansible/test/cache/get_pip_%s.py" not in setup.read_text():
    sys.exit('ansible-test no longer reads ~/.ansible/test/cache/get_pip_<version>.py; update hack/sanity.sh')

pip_version = get_venv_packages(types.SimpleNamespace(version=python_version))['pip']
path = pathlib.Path(os.path.expanduser('~/.ansible/test/cache/get_pip_%s.py' % pip_version.replace('.', '_')))
marker = '# kubedebug.ephemeral offline get-pip shim'
shim = f'''{marker} (written by hack/sanity.sh)
# ansible-test runs this as __main__ with pip install arguments ("pip=={pip_version}" and friends).
# Seed pip with ensurepip, then install the same arguments from PyPI.
import subprocess
import sys

args = [a for a in sys.argv[1:] if a not in ("--no-setuptools", "--no-wheel")]
subprocess.check_call([sys.executable, "-m", "ensurepip", "--default-pip"])
sys.exit(subprocess.call([sys.executable, "-m", "pip", "install"] + args))
'''
if path.exists() and not path.read_text().startswith(marker):
    print(f'keeping existing (non-shim) {path}')
else:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(shim)
    print(f'pip {pip_version} bootstrap shim: {path}')
PY

cd "${COLLECTION_DIR}"
run ansible-test sanity --python "${SANITY_PYTHON}" --venv --requirements "$@"
log "sanity passed"
