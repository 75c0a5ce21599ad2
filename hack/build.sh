#!/usr/bin/env bash
# Build the collection tarball into build/ (git-ignored), check what it ships, install it into a
# temporary collections path and run ansible-doc against the INSTALLED copy.
# Built from the ansible_collections copy, i.e. from tracked + untracked-not-ignored files only,
# exactly what a clean clone would build.
set -euo pipefail
# shellcheck source=hack/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

use_venv
use_collection_copy

OUT="${REPO_ROOT}/build"
mkdir -p "${OUT}"
rm -f "${OUT}"/kubedebug-ephemeral-*.tar.gz

log "building the collection"
(cd "${COLLECTION_DIR}" && run ansible-galaxy collection build --force --output-path "${OUT}")
shopt -s nullglob
tarballs=("${OUT}"/kubedebug-ephemeral-*.tar.gz)
shopt -u nullglob
[[ ${#tarballs[@]} -eq 1 ]] || die "expected exactly one tarball in ${OUT}, found ${#tarballs[@]}"
tarball="${tarballs[0]}"
log "tarball: ${tarball} ($(du -h "${tarball}" | cut -f1), $(tar -tzf "${tarball}" | wc -l) entries)"

log "checking the tarball ships no tests, CI, dev scripts or local junk"
bad="$(tar -tzf "${tarball}" | sed 's|^\./||' \
  | grep -E '^(tests|\.ci|hack|\.venv|\.cache|\.git|build|docs-site)(/|$)|(^|/)(__pycache__|\.pytest_cache)(/|$)|\.pyc$|\.tar\.gz$' || true)"
if [[ -n "${bad}" ]]; then
  printf '%s\n' "${bad}" >&2
  die "the tarball contains entries that must not be shipped (see above); fix build_ignore in galaxy.yml"
fi

log "checking the tarball ships the licence the headers cite"
entries="$(tar -tzf "${tarball}" | sed 's|^\./||')"
for licence in LICENSE LICENSES/GPL-3.0-or-later.txt; do
  grep -qx "${licence}" <<<"${entries}" || die "the tarball has no ${licence}; check build_ignore in galaxy.yml"
done

tmp="$(mktemp -d)"
trap 'rm -rf "${tmp}"' EXIT
log "installing the tarball into ${tmp}/collections"
run ansible-galaxy collection install --offline --no-deps -p "${tmp}/collections" "${tarball}"
installed="${tmp}/collections/ansible_collections/kubedebug/ephemeral"
[[ -f "${installed}/MANIFEST.json" ]] || die "install did not produce ${installed}/MANIFEST.json"

# Only the installed copy: no collection from the repo, the cwd or site-packages.
export ANSIBLE_COLLECTIONS_PATH="${tmp}/collections"
export ANSIBLE_COLLECTIONS_SCAN_SYS_PATH=false
cd "${tmp}"

[[ -f "${installed}/plugins/modules/ephemeral_container.py" ]] \
  || die "the installed collection has no plugins/modules/ephemeral_container.py"
modules=()
for f in "${installed}"/plugins/modules/*.py; do
  m="$(basename "${f}" .py)"
  [[ "${m}" == "__init__" ]] || modules+=("kubedebug.ephemeral.${m}")
done

for m in "${modules[@]}"; do
  log "ansible-doc -t module ${m} (installed copy)"
  # ansible-doc exits 0 with only a warning when a plugin is missing or its docs are broken, so check
  # the JSON for a parsed DOCUMENTATION block as well.
  json="$(ansible-doc -t module --json "${m}")" || die "ansible-doc failed for ${m}"
  printf '%s' "${json}" | python -c '
import json, sys
name = sys.argv[1]
data = json.load(sys.stdin)
doc = (data.get(name) or {}).get("doc") or {}
if doc.get("module") != name.rsplit(".", 1)[1] or not doc.get("short_description"):
    sys.exit("ansible-doc returned no usable documentation for %s" % name)
print("%s: %s (%d options)" % (name, doc["short_description"], len(doc.get("options") or {})))
' "${m}"
done
run ansible-doc -t module kubedebug.ephemeral.ephemeral_container | head -n 20

log "ansible-builder introspection of the installed collection (execution environment dependencies)"
run ansible-builder introspect --sanitize "${tmp}/collections" | tee "${tmp}/introspect.txt"
grep -q 'kubernetes' "${tmp}/introspect.txt" \
  || die "ansible-builder did not pick up requirements.txt from meta/execution-environment.yml"

log "build OK: ${tarball}"
