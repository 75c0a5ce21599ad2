#!/usr/bin/env bash
# Lint everything that is not Python sanity:
#   ansible-lint (production profile) on roles/, playbooks/ and the rulebooks (its schema for ansible-rulebook),
#   yamllint (.yamllint) on all files,
#   antsibull-docs lint-collection-docs --plugin-docs on the ansible_collections copy,
#   antsibull-changelog lint (fragments) and lint-changelog-yaml.
# All steps run; the script fails at the end if any of them failed.
set -euo pipefail
# shellcheck source=hack/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

use_venv
use_collection_copy

failed=()
step() {
  local name="$1"; shift
  log "${name}"
  if ! "$@"; then
    printf 'FAILED: %s\n' "${name}" >&2
    failed+=("${name}")
  fi
}

# ansible-lint: only on roles/, playbooks/ and extensions/eda/rulebooks/ that contain something. Run from the copy so that
# the collection resolves as kubedebug.ephemeral exactly as ansible-test sees it.
lint_targets=()
for d in roles playbooks extensions/eda/rulebooks; do
  if [[ -d "${COLLECTION_DIR}/${d}" ]] && [[ -n "$(find "${COLLECTION_DIR}/${d}" -type f -print -quit)" ]]; then
    lint_targets+=("${d}")
  fi
done
ansible_lint() {
  if [[ ${#lint_targets[@]} -eq 0 ]]; then
    log "ansible-lint: roles/ and playbooks/ are empty or absent, nothing to lint"
    return 0
  fi
  # ANSIBLE_COLLECTIONS_PATH: resolve kubedebug.ephemeral.* from the copy itself.
  (cd "${COLLECTION_DIR}" && ANSIBLE_COLLECTIONS_PATH="${AC_BASE}" run ansible-lint --offline "${lint_targets[@]}")
}
step "ansible-lint (production profile) on ${lint_targets[*]:-nothing}" ansible_lint

yaml_lint() {
  (cd "${COLLECTION_DIR}" && run yamllint --strict .)
}
step "yamllint" yaml_lint

docs_lint() {
  (cd "${COLLECTION_DIR}" && run antsibull-docs lint-collection-docs --plugin-docs .)
}
step "antsibull-docs lint-collection-docs --plugin-docs" docs_lint

changelog_lint() {
  (cd "${REPO_ROOT}" \
    && run antsibull-changelog lint \
    && run antsibull-changelog lint-changelog-yaml --strict changelogs/changelog.yaml)
}
step "antsibull-changelog lint" changelog_lint

if [[ ${#failed[@]} -gt 0 ]]; then
  die "lint failed: ${failed[*]}"
fi
log "lint passed"
