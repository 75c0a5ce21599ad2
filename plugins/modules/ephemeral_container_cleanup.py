#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: ephemeral_container_cleanup
short_description: Recycle pods that carry ephemeral containers, safely, through the Eviction API
version_added: 0.1.0
author:
  - kubedebug.ephemeral maintainers (@kubedebug)
description:
  - Ephemeral containers can never be removed from a pod; only a new pod is free of them. This module replaces the
    pods whose ephemeral containers meet one criterion, the way a careful operator would.
  - Choose pods by O(namespace), O(pod) or selectors, plus exactly one of O(min_ephemeral_containers),
    O(terminated_for), O(run_id) or O(name_prefix).
  - Pods owned by a ReplicaSet (so a Deployment), StatefulSet, DaemonSet or ReplicationController are evicted through
    the Eviction API, so PodDisruptionBudgets are honoured. When a budget refuses (HTTP 429) the eviction is asked
    again every few seconds until O(timeout); it is never forced. O(max_unavailable) pods at a time (one by default),
    and the next ones only once the controller has as many Ready pods as before, none of them the old ones.
  - Bare pods (no controller), static (mirror) pods and Job pods are reported and never touched, except bare pods
    when O(delete_bare_pods=true), which are deleted for good.
  - A pod isolated by M(kubedebug.ephemeral.pod_isolate) (label C(kubedebug.ephemeral/isolated=true), no controller
    any more) is deleted, because its ReplicaSet replaced it when it was isolated.
  - The first failure stops the run; pods not reached yet are left as they are.
options:
  min_ephemeral_containers:
    description:
      - Recycle pods holding at least this many (1 or more) ephemeral containers.
    type: int
  terminated_for:
    description:
      - Recycle pods whose ephemeral containers have all terminated, the latest at least this many seconds ago (0 or
        more). A container that is running, waiting or never started keeps its pod.
    type: int
  run_id:
    description:
      - Recycle pods holding an ephemeral container from this run, that is, a name ending in V(-<run_id>) (as the
        diagnostics role names them) or an O(kubedebug.ephemeral.ephemeral_container#module:annotate) record with this
        run id.
    type: str
  name_prefix:
    description:
      - Recycle pods holding an ephemeral container whose name starts with this, such as V(debugger-).
    type: str
  delete_bare_pods:
    description:
      - Delete bare pods (no controller) that meet the criterion. Nothing recreates them; they are gone for good.
    type: bool
    default: false
  max_unavailable:
    description:
      - How many pods (1 to 100) are recycled at the same time. PodDisruptionBudgets still have the last word.
      - Counted per run; with O(shard), shards running at the same time each recycle this many.
    type: int
    default: 1
  timeout:
    description:
      - Seconds (1 to 86400) each batch may take, from its first eviction until its replacements are Ready, including
        waiting while a PodDisruptionBudget refuses.
    type: int
    default: 300
  max_pods:
    description:
      - Fail, before changing anything, when more pods (0 or more) would be recycled than this. With O(shard), the
        pods of this shard are counted.
    type: int
extends_documentation_fragment:
  - kubedebug.ephemeral.connection
  - kubedebug.ephemeral.pods
  - kubedebug.ephemeral.shard
  - kubedebug.ephemeral.attributes
attributes:
  check_mode:
    support: full
    details:
      - Lists exactly which pods would be evicted or deleted and why, and which are left alone and why; sends nothing.
  diff_mode:
    support: none
  idempotent:
    support: full
    details:
      - Replacement pods carry no ephemeral containers, so a second run finds nothing to do.
requirements:
  - python >= 3.9
  - kubernetes >= 24.2.0
notes:
  - "RBAC: C(list) and C(get) on C(pods), C(create) on C(pods/eviction), and C(delete) on C(pods) for
    O(delete_bare_pods). M(kubedebug.ephemeral.ephemeral_container_preflight) checks them."
  - Kubernetes 1.21 and older take the eviction as C(policy/v1beta1); later ones as C(policy/v1).
seealso:
  - module: kubedebug.ephemeral.ephemeral_container_info
  - module: kubedebug.ephemeral.ephemeral_container_preflight
  - name: API-initiated eviction
    description: The Kubernetes documentation on the Eviction API and PodDisruptionBudgets.
    link: https://kubernetes.io/docs/concepts/scheduling-eviction/api-eviction/
"""

EXAMPLES = r"""
- name: What would be recycled, and why (nothing is sent)
  kubedebug.ephemeral.ephemeral_container_cleanup:
    namespace: payments
    label_selectors:
      - app=payments
    min_ephemeral_containers: 5
  check_mode: true
  register: preview

- name: Replace the payments pods whose debugging containers all ended over a day ago, one at a time
  kubedebug.ephemeral.ephemeral_container_cleanup:
    namespace: payments
    label_selectors:
      - app=payments
    terminated_for: 86400
    timeout: 600

- name: Remove what one diagnostics run left behind
  kubedebug.ephemeral.ephemeral_container_cleanup:
    namespace: payments
    run_id: 20261202t020000z
"""

RETURN = r"""
pods:
  description: Every selected pod whose ephemeral containers meet the criterion, sorted by namespace and name.
  returned: success and failure once pods were read
  type: list
  elements: dict
  contains:
    namespace:
      description: The pod's namespace.
      type: str
    pod:
      description: The pod's name.
      type: str
    owner:
      description: Its controller (C(kind) and C(name)), V(null) for a bare pod.
      type: dict
      sample: {kind: ReplicaSet, name: web-7d9c6b5f4}
    ephemeral_containers:
      description: The names of its ephemeral containers.
      type: list
      elements: str
    reason:
      description: Why it meets the criterion.
      type: str
      sample: holds 3 ephemeral container(s), min_ephemeral_containers=2
    action:
      description: V(evict), V(delete) (a bare pod with O(delete_bare_pods=true), or an isolated pod) or V(none).
      type: str
    left_alone_because:
      description: For V(none), why the pod is left alone (bare, static, Job, unknown controller, already terminating).
      type: str
    outcome:
      description:
        - V(recycled) (evicted and replaced), V(deleted), V(would_evict) or V(would_delete) (check mode), V(left_alone),
          V(failed), or V(not_reached) (after another pod failed).
      type: str
    replaced_by:
      description: The controller's Ready pods that appeared while this one was replaced (a StatefulSet's keeps the name).
      type: list
      elements: str
    eviction_attempts:
      description: How many eviction requests it took (more than one when a PodDisruptionBudget refused for a while).
      type: int
    error:
      description: Why recycling this pod failed, V(null) otherwise.
      type: str
recycled:
  description: C(namespace/name) of each pod evicted or deleted (in check mode, that would be).
  returned: success and failure once pods were read
  type: list
  elements: str
left_alone:
  description: C(namespace/name) of each pod that meets the criterion but is not touched.
  returned: success and failure once pods were read
  type: list
  elements: str
api_era:
  description: The API shape of C(pods/ephemeralcontainers), as in M(kubedebug.ephemeral.ephemeral_container).
  returned: success
  type: str
server_version:
  description: The server's C(gitVersion).
  returned: success
  type: str
"""

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._cleanup import cleanup
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._cleanup.recycle import criterion_problems
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._module.template import ModuleSpec, run_module
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._spec.checks import option_problems
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._spec.options import CLEANUP_OPTIONS


def main() -> None:
    run_module(ModuleSpec(
        CLEANUP_OPTIONS,
        lambda task: cleanup.run(task.api_client, task.server, task.selection, task.params, task.check_mode),
        invalid="Invalid options; nothing was changed",
        problems=lambda params: option_problems(params, CLEANUP_OPTIONS) + criterion_problems(params),
        sharded=True,
    ))


if __name__ == "__main__":
    main()
