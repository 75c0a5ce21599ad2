#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: pod_isolate
short_description: Take a stuck pod out of its Services and its ReplicaSet, and keep it for debugging
version_added: 0.1.0
author:
  - kubedebug.ephemeral maintainers (@kubedebug)
description:
  - Removes from the pod the labels that its ReplicaSet's selector and the selectors of the Services that select it
    use, and adds the label C(kubedebug.ephemeral/isolated=true). The EndpointSlice controller then drops the pod
    from those Services' endpoints, and the ReplicaSet controller releases it (removes its ownerReference) and starts
    a replacement. Traffic and capacity recover while the stuck pod stays, running, for an ephemeral container.
  - The removed labels, the former owner and the Services are recorded in the annotation
    C(kubedebug.ephemeral/isolated-from).
  - Refused, with nothing changed, for StatefulSet pods (the replacement would need the same name), bare pods
    (nothing would replace them), pods of any other controller, static pods and terminating pods.
  - M(kubedebug.ephemeral.ephemeral_container_cleanup) deletes an isolated pod once you are done with it (its
    replacement already runs), without O(kubedebug.ephemeral.ephemeral_container_cleanup#module:delete_bare_pods).
  - Give the pod by O(pod) and O(namespace). O(pod) is required, and O(label_selectors), O(field_selectors) and
    O(all_namespaces) are refused, because isolation is for the one pod that is stuck.
options:
  field_manager:
    description:
      - The field manager the write names (the C(fieldManager) query parameter).
    type: str
    default: kubedebug.ephemeral
extends_documentation_fragment:
  - kubedebug.ephemeral.connection
  - kubedebug.ephemeral.pods
  - kubedebug.ephemeral.attributes
attributes:
  check_mode:
    support: full
    details:
      - Sends nothing; RV(patch), RV(labels_removed) and RV(labels) show the change a real run makes.
  diff_mode:
    support: full
    details:
      - The pod's labels before and after.
  idempotent:
    support: full
    details:
      - A pod that carries C(kubedebug.ephemeral/isolated=true) is left as it is (C(changed=false)), also in check mode.
requirements:
  - python >= 3.9
  - kubernetes >= 24.2.0
notes:
  - "RBAC: C(get) and C(patch) on C(pods), C(get) on C(replicasets) (apps), C(list) on C(services)."
  - Other objects that select pods by these labels (NetworkPolicies, PodDisruptionBudgets, monitors) stop selecting
    the isolated pod too.
  - A HorizontalPodAutoscaler counts only the ReplicaSet's pods, so the isolated pod does not count towards it.
seealso:
  - module: kubedebug.ephemeral.ephemeral_container
  - module: kubedebug.ephemeral.ephemeral_container_cleanup
"""

EXAMPLES = r"""
- name: Preview the label change (nothing is sent)
  kubedebug.ephemeral.pod_isolate:
    namespace: shop
    pod: web-7d9c6b5f4-x2x9k
  check_mode: true
  diff: true

- name: Isolate the stuck pod, take a thread dump, then recycle it
  block:
    - name: Isolate
      kubedebug.ephemeral.pod_isolate:
        namespace: shop
        pod: web-7d9c6b5f4-x2x9k
    - name: Thread dump
      kubedebug.ephemeral.ephemeral_container:
        namespace: shop
        pod: web-7d9c6b5f4-x2x9k
        name: thread-dump-1
        image: eclipse-temurin:17-jdk
        target: app
        mount_target_volumes: true
        command: [jcmd, "1", Thread.print]
        wait: true
        wait_for: terminated
        logs: true
    - name: Recycle the isolated pod
      kubedebug.ephemeral.ephemeral_container_cleanup:
        namespace: shop
        pod: web-7d9c6b5f4-x2x9k
        name_prefix: thread-dump-
"""

RETURN = r"""
namespace:
  description: The pod's namespace.
  returned: success
  type: str
  sample: shop
pod:
  description: The pod's name.
  returned: success
  type: str
  sample: web-7d9c6b5f4-x2x9k
owner:
  description: The controller the pod had (C(kind), C(name)); for a pod isolated earlier, the one recorded then.
  returned: success, and when refused
  type: dict
  sample: {kind: ReplicaSet, name: web-7d9c6b5f4}
labels_removed:
  description: The labels removed (or, for a pod isolated earlier, removed then), with their values.
  returned: success
  type: dict
  sample: {app: web, pod-template-hash: 7d9c6b5f4}
services:
  description: The Services that selected the pod.
  returned: success
  type: list
  elements: str
  sample: [web]
labels:
  description: The pod's labels after the change.
  returned: success
  type: dict
  sample: {kubedebug.ephemeral/isolated: "true", tier: frontend}
patch:
  description: The merge patch sent (in check mode, that would be sent); V(null) when nothing is to change.
  returned: success
  type: dict
refused:
  description: True when the pod cannot be isolated (StatefulSet, bare, another controller, static, terminating).
  returned: when refused
  type: bool
"""

import typing as t

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._isolate import isolate
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._module.template import ModuleSpec, run_module
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._spec.checks import option_problems
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._spec.options import ISOLATE_OPTIONS


def _problems(params: t.Mapping[str, t.Any]) -> t.List[str]:
    problems = option_problems(params, ISOLATE_OPTIONS)
    if params.get("pod") is None:
        problems.append("pod is required: name the one pod to isolate")
    if params.get("label_selectors") or params.get("field_selectors") or params.get("all_namespaces"):
        problems.append("pod_isolate takes one pod by name; remove label_selectors, field_selectors and all_namespaces")
    return problems


def main() -> None:
    run_module(ModuleSpec(
        ISOLATE_OPTIONS,
        lambda task: isolate.run(task.api_client, task.selection, task.params, task.check_mode, task.diff_mode),
        invalid="Invalid options; nothing was changed",
        problems=_problems,
    ))


if __name__ == "__main__":
    main()
