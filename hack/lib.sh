# shellcheck shell=bash
# Shared helpers for the hack/ scripts. Source it; do not run it.

# Repository root, whatever the caller's working directory.
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export REPO_ROOT

VENV="${VENV:-${REPO_ROOT}/.venv}"
export VENV

# Where the ansible_collections/<ns>/<name> copy lives (see hack/collection-root.sh).
AC_BASE="${KUBEDEBUG_AC_BASE:-${TMPDIR:-/tmp}/kubedebug-ac}"
COLLECTION_DIR="${AC_BASE}/ansible_collections/kubedebug/ephemeral"
export AC_BASE COLLECTION_DIR

log() { printf '==> [%s] %s\n' "$(basename "$0")" "$*" >&2; }
die() { printf 'ERROR [%s]: %s\n' "$(basename "$0")" "$*" >&2; exit 1; }

# Print a command, then run it.
run() {
  printf '+ %s\n' "$*" >&2
  "$@"
}

# Ensure .venv is up to date and put it first on PATH.
use_venv() {
  "${REPO_ROOT}/hack/venv.sh"
  export PATH="${VENV}/bin:${PATH}"
  export VIRTUAL_ENV="${VENV}"
  hash -r
}

# Refresh the ansible_collections copy (quietly: it prints only its path).
use_collection_copy() {
  "${REPO_ROOT}/hack/collection-root.sh" >/dev/null
}
