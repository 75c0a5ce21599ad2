#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: ephemeral_container_preflight
short_description: Ask the cluster whether ephemeral containers can be added here, and how, before writing anything
version_added: 0.1.0
author:
  - kubedebug.ephemeral maintainers (@kubedebug)
description:
  - For a namespace, one pod, or the pods that selectors choose, reports everything that decides whether
    M(kubedebug.ephemeral.ephemeral_container) can work there, and which of its options fit.
  - The server's version, the API shape of C(pods/ephemeralcontainers) and whether it is served at all (the
    C(EphemeralContainers) feature gate on Kubernetes 1.16 to 1.24).
  - The caller's permissions, asked of the apiserver with one C(SelfSubjectAccessReview) each, every one reported
    as allowed or denied by name.
  - The namespace's Pod Security labels, and which profiles (O(kubedebug.ephemeral.ephemeral_container#module:profile))
    it admits, found with a server-side dry run of the write on a selected pod (Kubernetes 1.22 and later).
  - Per node the container runtime and its version, and whether it can put a container into another container's
    process namespace (O(kubedebug.ephemeral.ephemeral_container#module:target)), from the runtimes' changelogs.
  - Static (mirror) pods, which the API refuses, admission webhooks whose rules see C(pods/ephemeralcontainers), and
    how many ephemeral containers each pod already holds.
  - Anything the caller may not read is reported with the reason instead of failing the task. Never stores anything.
options:
  field_manager:
    description:
      - The field manager the dry runs name (they store nothing, but show in the apiserver's audit log).
    type: str
    default: kubedebug.ephemeral
extends_documentation_fragment:
  - kubedebug.ephemeral.connection
  - kubedebug.ephemeral.pods
  - kubedebug.ephemeral.attributes
  - kubedebug.ephemeral.attributes.info_module
requirements:
  - python >= 3.9
  - kubernetes >= 24.2.0
notes:
  - "RBAC: C(list) on C(pods) (C(get) for O(pod)). Reading Pod Security labels needs C(get) on the namespace, the
    runtimes C(list) on C(nodes), the webhooks C(list) on C(validatingwebhookconfigurations) and
    C(mutatingwebhookconfigurations); without them those parts say they are unknown and why."
  - The profile dry runs are C(PATCH) requests with C(dryRun=All) on C(pods/ephemeralcontainers), so they need the same
    C(patch) permission as a real write; without it the admitted profiles are unknown.
  - A webhook on C(pods/ephemeralcontainers) that does not support dry run (C(sideEffects) Unknown or Some, left from a
    v1beta1 configuration) makes the apiserver refuse every dry run; the profiles are then unknown, naming the webhook in
    RV(namespaces[].profiles.why_unknown), and RV(limitations) says that check mode cannot be used there.
  - Pod Security re-checks the whole pod when a container is added, so the admitted profiles are those of the pod named in
    RV(namespaces[].profiles.evaluated_on) (the first running, non-static pod selected in that namespace).
seealso:
  - module: kubedebug.ephemeral.ephemeral_container
  - module: kubedebug.ephemeral.ephemeral_container_info
  - module: kubedebug.ephemeral.ephemeral_container_cleanup
"""

EXAMPLES = r"""
- name: Can I debug the payments pods, and how?
  kubedebug.ephemeral.ephemeral_container_preflight:
    namespace: payments
    label_selectors:
      - app=payments
  register: preflight

- name: Stop here with the reasons when something blocks
  ansible.builtin.assert:
    that: preflight.ready
    fail_msg: "{{ preflight.problems | join('; ') }}"

- name: Use the most capable profile the namespace admits
  kubedebug.ephemeral.ephemeral_container:
    namespace: payments
    label_selectors:
      - app=payments
    image: busybox:1.36
    command: [sleep, "600"]
    profile: auto
"""

RETURN = r"""
ready:
  description: True when nothing blocks adding ephemeral containers to the selected pods (RV(problems) is empty).
  returned: success
  type: bool
  sample: false
problems:
  description:
    - What blocks adding ephemeral containers, one sentence each naming the thing, such as
      C(RBAC denies patch pods/ephemeralcontainers in namespace shop), the feature gate being off, a static pod, or a
      namespace that admits no profile.
  returned: success
  type: list
  elements: str
limitations:
  description:
    - What limits some tasks without blocking injection, such as a denied C(get pods/log) or C(create pods/eviction),
      or a node whose runtime cannot target a container's process namespace.
  returned: success
  type: list
  elements: str
server:
  description: What the server supports.
  returned: success
  type: dict
  contains:
    git_version:
      description: The server's C(gitVersion), V(null) when C(/version) could not be read.
      type: str
      sample: v1.37.2
    major:
      description: The major version.
      type: int
    minor:
      description: The minor version.
      type: int
    api_era:
      description: V(pod) (1.22 and later), V(ephemeral_containers) (1.16 to 1.21) or V(unsupported).
      type: str
      sample: pod
    subresource_enabled:
      description: Whether C(pods/ephemeralcontainers) is served.
      type: bool
namespaces:
  description: One entry per namespace of the selected pods (or O(namespace) when no pod matched).
  returned: success
  type: list
  elements: dict
  contains:
    namespace:
      description: The namespace.
      type: str
    pod_security:
      description:
        - The Pod Security labels, C(enforce), C(warn) and C(audit), each V(null) or C(level) and C(version)
          (V(latest) when no version label is set). V(null) when the namespace cannot be read.
      type: dict
      sample:
        enforce: {level: restricted, version: latest}
        warn: null
        audit: null
    pod_security_unknown_reason:
      description: Why the labels are unknown, V(null) when they were read.
      type: str
    access:
      description: One entry per permission, with C(verb), C(resource), C(namespace), C(allowed), C(reason) (the authorizer's)
        and C(needed_for).
      type: list
      elements: dict
      sample:
        - verb: patch
          resource: pods/ephemeralcontainers
          namespace: shop
          allowed: false
          reason: null
          needed_for: adding ephemeral containers (ephemeral_container, also its check mode on 1.22+)
    denied:
      description: The denied permissions as C(verb resource), such as C(get pods/log).
      type: list
      elements: str
    profiles:
      description: Which profiles the namespace admits.
      type: dict
      contains:
        known:
          description: Whether every profile could be judged.
          type: bool
        why_unknown:
          description: Why not, such as no dry run before Kubernetes 1.22, no pod to try, or no C(patch) permission.
          type: str
        evaluated_on:
          description: The pod (C(namespace/name)) the dry runs were sent for.
          type: str
        admitted:
          description: The admitted profiles, most capable first (V(sysadmin), V(netadmin), V(general), V(baseline),
            V(restricted), then V(legacy)).
          type: list
          elements: str
          sample: [restricted]
        refused:
          description: For each refused profile, the reasons admission gave.
          type: dict
          sample:
            general:
              - allowPrivilegeEscalation != false (container "kubedebug-preflight-general" must set securityContext.allowPrivilegeEscalation=false)
nodes:
  description: One entry per node, empty when nodes cannot be listed (see RV(nodes_unknown_reason)).
  returned: success
  type: list
  elements: dict
  contains:
    node:
      description: The node's name.
      type: str
    runtime:
      description: The runtime's name from the node status, such as V(containerd), V(cri-o) or V(docker).
      type: str
    runtime_version:
      description: The runtime's version.
      type: str
      sample: 1.6.20
    kubelet_version:
      description: The kubelet's version.
      type: str
    targeting:
      description: V(yes), V(no) or V(unknown), whether the runtime can put a container into a target container's process
        namespace (containerd 1.5 and later, CRI-O 1.23 and later, dockershim with kubelets from 1.18).
      type: str
      sample: "yes"
    reason:
      description: Where that answer comes from.
      type: str
nodes_unknown_reason:
  description: Why nodes could not be listed, V(null) when they were.
  returned: success
  type: str
webhooks:
  description:
    - The admission webhooks whose rules match updates of C(pods/ephemeralcontainers), with C(kind) (V(validating) or
      V(mutating)), C(configuration), C(webhook), C(failure_policy) and the matching C(resources). V(null) when they
      cannot be listed.
  returned: success
  type: list
  elements: dict
webhooks_unknown_reason:
  description: Why webhooks could not be listed, V(null) when they were.
  returned: success
  type: str
pods:
  description: The selected pods, sorted by namespace and name.
  returned: success
  type: list
  elements: dict
  contains:
    namespace:
      description: The pod's namespace.
      type: str
    pod:
      description: The pod's name.
      type: str
    node:
      description: Its node.
      type: str
    phase:
      description: Its phase.
      type: str
    static:
      description: Whether it is a static (mirror) pod, which the API refuses ephemeral containers for.
      type: bool
    ephemeral_container_count:
      description: How many ephemeral containers it holds.
      type: int
    ephemeral_containers:
      description: Their names.
      type: list
      elements: str
    targeting:
      description: RV(nodes[].targeting) of its node.
      type: str
pods_unknown_reason:
  description: Why the pods could not be read, V(null) when they were.
  returned: success
  type: str
"""

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api.field_managers import field_manager_problems
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._module.template import ModuleSpec, run_module
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._preflight import preflight
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._spec.checks import option_problems
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._spec.options import AUDIT_OPTIONS

OPTIONS = tuple(option for option in AUDIT_OPTIONS if option.name == "field_manager")


def main() -> None:
    run_module(ModuleSpec(
        OPTIONS,
        lambda task: (preflight.run(task.api_client, task.server, task.selection, task.params["field_manager"]), None),
        problems=lambda params: option_problems(params, OPTIONS) + field_manager_problems(params["field_manager"]),
    ))


if __name__ == "__main__":
    main()
