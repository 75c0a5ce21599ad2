#!/usr/bin/env bash
# What a user runs today instead of the module: kubectl debug + wait until the ephemeral
# container terminated + kubectl logs, for one pod or for every pod a label selector picks.
# Driven by tests/benchmark/bench_ephemeral.py through the environment:
#   KUBECTL     kubectl binary (KUBECONFIG chooses the cluster)
#   NS          namespace
#   POD         one pod's name, or
#   SELECTOR    a label selector (pods listed with one `kubectl get`)
#   NAME        the ephemeral container's name (kubectl debug -c)
#   IMAGE       its image
#   PARALLEL    pods handled at once (1 = the plain sequential loop; >1 = xargs -P)
#   WAIT_TIMEOUT seconds for kubectl wait
# Logs go to stdout; kubectl debug's notices to stderr.
set -euo pipefail

: "${KUBECTL:?}" "${NS:?}" "${NAME:?}" "${IMAGE:?}"
PARALLEL="${PARALLEL:-1}"
WAIT_TIMEOUT="${WAIT_TIMEOUT:-120}"
export KUBECTL NS NAME IMAGE WAIT_TIMEOUT

debug_one() {
  local pod="$1"
  "${KUBECTL}" -n "${NS}" debug "${pod}" --image="${IMAGE}" --target=app -c "${NAME}" -- ps >&2
  "${KUBECTL}" -n "${NS}" wait "pod/${pod}" --timeout="${WAIT_TIMEOUT}s" \
    --for="jsonpath={.status.ephemeralContainerStatuses[?(@.name==\"${NAME}\")].state.terminated}" >&2
  "${KUBECTL}" -n "${NS}" logs "${pod}" -c "${NAME}"
}
export -f debug_one

if [[ -n "${POD:-}" ]]; then
  pods=("${POD}")
else
  : "${SELECTOR:?set POD or SELECTOR}"
  mapfile -t pods < <("${KUBECTL}" -n "${NS}" get pods -l "${SELECTOR}" -o 'jsonpath={range .items[*]}{.metadata.name}{"\n"}{end}')
fi

if [[ "${PARALLEL}" -le 1 ]]; then
  for pod in "${pods[@]}"; do
    debug_one "${pod}"
  done
else
  # shellcheck disable=SC2016  # $1 is expanded by the inner bash
  printf '%s\n' "${pods[@]}" | xargs -P "${PARALLEL}" -I{} bash -c 'debug_one "$1"' _ {}
fi
