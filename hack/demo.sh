#!/usr/bin/env bash
# The README's quickstart: jstack from a JDK ephemeral container against a JRE-only Java pod,
# through playbooks/debug_pod.yml. Without KUBECONFIG it starts the local test bed's current
# era (building it on first use); with KUBECONFIG it uses your cluster, and then
# KUBEDEBUG_DEMO_APP_IMAGE (a JRE image running a Java program as uid 1000, e.g. one built from
# tests/cluster/images/java-app) and KUBEDEBUG_DEMO_JDK_IMAGE (a JDK) must be images it can pull.
set -euo pipefail
# shellcheck source=hack/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if [[ -z "${KUBECONFIG:-}" ]]; then
  "${REPO_ROOT}/tests/cluster/install-deps.sh"
  log "no KUBECONFIG: starting the local test bed (current era)"
  KUBECONFIG="$("${REPO_ROOT}/tests/cluster/testbed.sh" up current)"
  export KUBECONFIG
  kubectl=("${REPO_ROOT}/tests/cluster/testbed.sh" kubectl current)
  app_image=kubedebug.local/java-app:17
  jdk_image=kubedebug.local/jdk:17
else
  : "${KUBEDEBUG_DEMO_APP_IMAGE:?set it to a JRE image your cluster can pull (see hack/demo.sh)}"
  : "${KUBEDEBUG_DEMO_JDK_IMAGE:?set it to a JDK image your cluster can pull (see hack/demo.sh)}"
  kubectl=(kubectl)
  app_image=${KUBEDEBUG_DEMO_APP_IMAGE}
  jdk_image=${KUBEDEBUG_DEMO_JDK_IMAGE}
fi
use_venv

log "sample JRE-only pod kubedebug-demo/payments (${app_image})"
sed "s|APP_IMAGE|${app_image}|" "${REPO_ROOT}/hack/demo/java-pod.yml" | "${kubectl[@]}" apply -f - >/dev/null
"${kubectl[@]}" -n kubedebug-demo wait --for=condition=Ready pod/payments --timeout=180s >/dev/null

export ANSIBLE_COLLECTIONS_PATH="${AC_BASE}/demo-collections"
mkdir -p "${ANSIBLE_COLLECTIONS_PATH}/ansible_collections/kubedebug"
ln -sfn "${REPO_ROOT}" "${ANSIBLE_COLLECTIONS_PATH}/ansible_collections/kubedebug/ephemeral"
export ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false ANSIBLE_CALLBACK_RESULT_FORMAT=yaml
run ansible-playbook -i localhost, -e "ansible_python_interpreter=${VENV}/bin/python" \
  "${REPO_ROOT}/playbooks/debug_pod.yml" \
  -e debug_pod_namespace=kubedebug-demo -e debug_pod_name=payments -e debug_pod_target=app \
  -e "debug_pod_image=${jdk_image}" -e '{"debug_pod_command": ["jstack", "1"]}' \
  -e debug_pod_mount_target_volumes=true -e debug_pod_run_as_user=1000
