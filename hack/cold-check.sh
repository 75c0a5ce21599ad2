#!/usr/bin/env bash
# Rehearse a fresh machine: the README's two commands, `make demo` and `make test`, each from a fresh
# clone of HEAD with every cache empty (Go module and build caches, the test bed's binaries and
# images, the venv, pip's and ansible-test's caches, runtime state). Prints each command's wall time,
# removes everything it made, and exits non-zero if either command fails.
#
#   make cold-check                        # both commands, each from nothing (about 1.5 h on 2 cores)
#   COLD_CHECK_STEPS=test make cold-check  # only one of them
#
# Debian packages stay installed (they cannot be uninstalled safely); install-deps.sh checks them.
# The test bed's ports and bridges are fixed, so no era may be running meanwhile.
set -euo pipefail
# shellcheck source=hack/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

read -r -a steps <<< "${COLD_CHECK_STEPS:-demo test}"
for step in "${steps[@]}"; do
  [[ ${step} == demo || ${step} == test ]] || die "COLD_CHECK_STEPS: unknown step ${step}; use demo and/or test"
done
[[ $(id -u) == 0 ]] || die "run as root, like the test bed"
for port in 16443 17443; do
  if ss -Hltn "sport = :${port}" | grep -q .; then
    die "something listens on 127.0.0.1:${port} (a test bed era?); stop it first: make cluster-down"
  fi
done
if [[ -n "$(git -C "${REPO_ROOT}" status --porcelain)" ]]; then
  log "WARNING: uncommitted changes are not rehearsed; the fresh clone holds HEAD $(git -C "${REPO_ROOT}" rev-parse --short HEAD)"
fi

work=$(mktemp -d /var/tmp/kubedebug-cold.XXXXXX)
run_root=/run/kdcold-$$  # containerd's sockets need a short path
go_bin=$(dirname "$(command -v go)")
pyenv_root=${PYENV_ROOT:-${HOME}/.pyenv}
results=()
failed=0

# Everything a command sees: a new HOME (pip, ansible-test, ~/.cache) and explicit Go and test bed caches.
fresh_env() { # fresh_env DIR
  local dir=$1
  printf '%s\0' \
    "PATH=${go_bin}:${pyenv_root}/shims:${pyenv_root}/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
    "HOME=${dir}/home" "PYENV_ROOT=${pyenv_root}" "LANG=C.UTF-8" "CI=true" \
    "GOPATH=${dir}/gopath" "GOMODCACHE=${dir}/gopath/pkg/mod" "GOCACHE=${dir}/gocache" \
    "KUBEDEBUG_TESTBED_CACHE=${dir}/testbed-cache" "KUBEDEBUG_TESTBED_STATE=${dir}/state" \
    "KUBEDEBUG_TESTBED_RUN=${run_root}" "TMPDIR=${dir}/tmp" "PIP_CACHE_DIR=${dir}/pip-cache"
}

in_fresh_env() { # in_fresh_env DIR CMD...
  local dir=$1; shift
  local -a vars
  mapfile -d '' vars < <(fresh_env "${dir}")
  env -i "${vars[@]}" "$@"
}

cleanup_step() { # cleanup_step DIR
  local dir=$1
  if [[ -x ${dir}/repo/tests/cluster/testbed.sh ]]; then
    in_fresh_env "${dir}" "${dir}/repo/tests/cluster/testbed.sh" down all >/dev/null 2>&1 || log "WARNING: test bed down failed in ${dir}"
  fi
  # Go's module cache is read-only; go clean removes it.
  [[ -d ${dir}/gopath/pkg/mod ]] && in_fresh_env "${dir}" go clean -modcache >/dev/null 2>&1 || true
  rm -rf --one-file-system "${dir}"
}

remove_everything() {
  local dir
  for dir in "${work}"/*/; do
    [[ -d ${dir} ]] && cleanup_step "${dir%/}"
  done
  rm -rf --one-file-system "${work}" "${run_root}"
}
trap remove_everything EXIT
trap 'exit 130' INT TERM

for step in "${steps[@]}"; do
  dir=${work}/${step}
  mkdir -p "${dir}/home" "${dir}/tmp"
  git clone --quiet "${REPO_ROOT}" "${dir}/repo"
  log "cold make ${step} in ${dir}/repo (log: ${dir}.log)"
  started=${SECONDS}
  rc=0
  in_fresh_env "${dir}" make -C "${dir}/repo" "${step}" > "${dir}.log" 2>&1 || rc=$?
  seconds=$((SECONDS - started))
  line=$(printf 'cold make %-5s %s  %dm%02ds (exit %d)' "${step}" "$([[ ${rc} == 0 ]] && echo PASS || echo FAIL)" \
         $((seconds / 60)) $((seconds % 60)) "${rc}")
  results+=("${line}")
  log "${line}"
  if [[ ${rc} != 0 ]]; then
    failed=1
    tail -n 40 "${dir}.log" >&2
  fi
  cp "${dir}.log" "${REPO_ROOT}/.cache/cold-check-${step}.log" 2>/dev/null || {
    mkdir -p "${REPO_ROOT}/.cache" && cp "${dir}.log" "${REPO_ROOT}/.cache/cold-check-${step}.log"; }
  cleanup_step "${dir}"
done

printf '%s\n' "cold-check on $(nproc) cores, HEAD $(git -C "${REPO_ROOT}" rev-parse --short HEAD):" "${results[@]}"
# The last command decides the exit status (an explicit exit here hides the EXIT trap from shellcheck).
(( failed == 0 ))
