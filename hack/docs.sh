#!/usr/bin/env bash
# Build the collection's docs site with antsibull-docs + Sphinx into docs-site/ (git-ignored).
# Offline apart from PyPI: no intersphinx inventories are fetched; references into the Ansible docs are
# turned into plain links by hack/sphinx_offline_links.py.
set -euo pipefail
# shellcheck source=hack/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

use_venv
use_collection_copy
# The guides again, failing this time on a guide the site cannot show (hack/collection-root.sh only warns).
run python "${REPO_ROOT}/hack/md2rst.py" "${REPO_ROOT}" "${COLLECTION_DIR}/docs/docsite/rst"

SITE="${REPO_ROOT}/docs-site"
SRC="${SITE}/src"

# Only our copy of the collection, never one installed elsewhere on the machine.
export ANSIBLE_COLLECTIONS_PATH="${AC_BASE}"
export ANSIBLE_COLLECTIONS_SCAN_SYS_PATH=false

log "generating the Sphinx project in ${SRC#"${REPO_ROOT}/"}"
rm -rf "${SITE}"
mkdir -p "${SRC}"
run antsibull-docs sphinx-init --use-current --squash-hierarchy --fail-on-error \
  --dest-dir "${SRC}" \
  --project kubedebug.ephemeral --title "kubedebug.ephemeral" --copyright "kubedebug.ephemeral contributors" \
  kubedebug.ephemeral

# No network for intersphinx: drop the generated mapping (it would download inventories from
# docs.python.org and docs.ansible.com, and -W turns the failed downloads into errors). References into the
# Ansible docs become plain links instead (hack/sphinx_offline_links.py).
cat >> "${SRC}/conf.py" <<PY

# Added by hack/docs.sh: build offline, without intersphinx inventories.
import sys as _sys
_sys.path.insert(0, '${REPO_ROOT}/hack')
intersphinx_mapping = {}
extensions.append('sphinx_offline_links')
PY

log "building (antsibull-docs collection, then sphinx-build -W)"
run "${SRC}/build.sh"

index="${SRC}/build/html/index.html"
[[ -f "${index}" ]] || die "no ${index} after the build"
log "docs site: ${index}"
