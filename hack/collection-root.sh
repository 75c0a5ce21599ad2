#!/usr/bin/env bash
# Make the .../ansible_collections/kubedebug/ephemeral/ layout that ansible-test needs.
#
# ansible-test finds the collection from os.getcwd(), which resolves symlinks, so a symlink farm does not
# work: this keeps a real copy of the tracked and untracked-not-ignored files (git ls-files -co
# --exclude-standard) outside the repo, deleting stale files on each call. tests/output/ in the copy
# (ansible-test's results and its delegation venv) is kept between calls so warm runs stay fast.
#
# It also converts the guides for the docs site (hack/md2rst.py) into the copy.
#
# Prints the path of the copy on stdout. Override the base with KUBEDEBUG_AC_BASE.
set -euo pipefail
# shellcheck source=hack/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

command -v git >/dev/null || die "git is required"
git -C "${REPO_ROOT}" rev-parse --is-inside-work-tree >/dev/null 2>&1 || die "${REPO_ROOT} is not a git work tree"

mkdir -p "${COLLECTION_DIR}"
log "syncing ${REPO_ROOT} -> ${COLLECTION_DIR}"

tmp="$(mktemp -d)"
trap 'rm -rf "${tmp}"' EXIT

# Files to copy: tracked + untracked-not-ignored, minus tracked files deleted in the work tree.
(cd "${REPO_ROOT}" && git ls-files -z -co --exclude-standard) \
  | (cd "${REPO_ROOT}" && while IFS= read -r -d '' f; do
       if [[ -e "$f" || -L "$f" ]]; then printf '%s\0' "$f"; fi
     done) > "${tmp}/want.z"

# Copy (tar keeps modes, mtimes and symlinks).
tar -C "${REPO_ROOT}" --null -T "${tmp}/want.z" -cf - | tar -C "${COLLECTION_DIR}" -xf -

# Delete files in the copy that are no longer wanted (but keep ansible-test's tests/output/).
tr '\0' '\n' < "${tmp}/want.z" | sort > "${tmp}/want.txt"
(cd "${COLLECTION_DIR}" && find . -path ./tests/output -prune -o \( -type f -o -type l \) -print \
  | sed 's|^\./||' | sort) > "${tmp}/have.txt"
stale=0
while IFS= read -r f; do
  [[ -n "$f" ]] || continue
  rm -f -- "${COLLECTION_DIR}/${f}"
  stale=$((stale + 1))
done < <(comm -13 "${tmp}/want.txt" "${tmp}/have.txt")
# Remove directories left empty (never the copy's root, never tests/output).
find "${COLLECTION_DIR}" -mindepth 1 -depth -type d -empty \
  ! -path "${COLLECTION_DIR}/tests/output" ! -path "${COLLECTION_DIR}/tests/output/*" -delete

log "copied $(wc -l < "${tmp}/want.txt") files, removed ${stale} stale"

# The docs site's guides: docs/*.md as reStructuredText in docs/docsite/rst/, made here in the copy only (the
# Markdown stays the one source; the site, antsibull-docs' lint and the tarball see the same files).
python="${VENV}/bin/python"
[[ -x "${python}" ]] || python=python3
# A guide the site cannot show must not stop unit tests or sanity: warn here; hack/docs.sh and the
# docs lint fail on it.
"${python}" "${REPO_ROOT}/hack/md2rst.py" "${REPO_ROOT}" "${COLLECTION_DIR}/docs/docsite/rst" \
  || log "WARNING: the guides could not all be converted for the docs site (hack/md2rst.py, see above); make docs will fail"
printf '%s\n' "${COLLECTION_DIR}"
