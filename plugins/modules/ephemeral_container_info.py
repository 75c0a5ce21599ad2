#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: ephemeral_container_info
short_description: List pods' ephemeral containers with their status and logs, and what the cluster supports
version_added: 0.1.0
author:
  - kubedebug.ephemeral maintainers (@kubedebug)
description:
  - Reads pods (one by name, by selectors, in a namespace or in all namespaces) and returns each pod's ephemeral
    containers, every spec merged with the status the kubelet reports for it, optionally with logs.
  - Also returns what the server supports, the Kubernetes version, the API shape of C(pods/ephemeralcontainers)
    and whether it is served at all (the C(EphemeralContainers) feature gate on Kubernetes 1.16 to 1.24).
  - Never changes anything.
options:
  name:
    description:
      - Only return the ephemeral containers with this name. Pods are returned even when they have none.
    type: str
  logs:
    description:
      - Also return each returned ephemeral container's logs (read five at a time).
    type: bool
    default: false
  logs_tail_lines:
    description:
      - Only return this many lines (0 or more) from the end of each container's logs.
      - The alias O(tail_lines) is kubernetes.core.k8s_log's name for it.
    type: int
    aliases: [tail_lines]
  logs_limit_bytes:
    description:
      - Return at most this many bytes (0 or more) of each container's log (after O(logs_tail_lines)), from its start, so that
        results stay small. A log that was cut has RV(pods[].ephemeral_containers[].logs_truncated=true).
      - V(0) returns the whole log.
    type: int
    default: 65536
  results_detail:
    description:
      - How much each entry of RV(pods[].ephemeral_containers) holds. The pod-level keys of RV(pods) are the same
        either way.
      - V(full) - the whole stored spec (the API's camelCase keys), RV(pods[].ephemeral_containers[].status) with all
        its keys, RV(pods[].ephemeral_containers[].logs), RV(pods[].ephemeral_containers[].logs_truncated),
        RV(pods[].ephemeral_containers[].added_by) and RV(pods[].ephemeral_containers[].annotation).
      - V(compact) - of the spec only RV(pods[].ephemeral_containers[].name) and
        RV(pods[].ephemeral_containers[].image); no RV(pods[].ephemeral_containers[].annotation); and in
        RV(pods[].ephemeral_containers[].status) no C(container_id), C(image), C(image_id), C(ready) or
        C(restart_count); these are the same in every pod of a fleet or never change. What a user acts on stays - the
        pod, the container's name and image, the state, reason, exit code and times, the logs (as
        O(logs_tail_lines) and O(logs_limit_bytes) say) and who added the container.
      - V(auto) (the default) - V(full) when O(pod) names one pod, V(compact) when selectors or a whole namespace
        choose the pods (also when they match one pod), so that fleet results stay small in AWX and AAP, which keep
        every task's result.
      - An empty string is refused, naming the option; leave O(results_detail) out for V(auto).
    type: str
    choices: [auto, full, compact]
    default: auto
extends_documentation_fragment:
  - kubedebug.ephemeral.connection
  - kubedebug.ephemeral.pods
  - kubedebug.ephemeral.shard
  - kubedebug.ephemeral.attributes
  - kubedebug.ephemeral.attributes.info_module
requirements:
  - python >= 3.9
  - kubernetes >= 24.2.0
notes:
  - "RBAC: the credentials need C(get) and C(list) on C(pods), and C(get) on C(pods/log) for O(logs)."
  - With O(pod) given, a pod that does not exist gives an empty RV(pods) list, like kubernetes.core.k8s_info.
  - "Entries are compact by default when selectors or a namespace choose the pods: read the whole spec and the
    annotation with O(results_detail=full)."
seealso:
  - module: kubedebug.ephemeral.ephemeral_container
  - module: kubernetes.core.k8s_info
"""

EXAMPLES = r"""
- name: What does the cluster support?
  kubedebug.ephemeral.ephemeral_container_info:
    namespace: kube-system
    field_selectors:
      - metadata.name=does-not-matter
  register: info

- name: Fail early when ephemeral containers are off
  ansible.builtin.assert:
    that: info.server.subresource_enabled
    fail_msg: Enable the EphemeralContainers feature gate with the kubedebug.ephemeral.feature_gates role.

- name: Every pod with ephemeral containers in all namespaces
  kubedebug.ephemeral.ephemeral_container_info:
    all_namespaces: true
  register: all_pods

- name: Show the pods that carry any
  ansible.builtin.debug:
    msg: "{{ all_pods.pods | selectattr('ephemeral_container_count', 'gt', 0) | map(attribute='pod') | list }}"

- name: Exit code and logs of one container
  kubedebug.ephemeral.ephemeral_container_info:
    namespace: payments
    pod: ledger-0
    name: debugger-3f9a1c2b7e
    logs: true
    logs_tail_lines: 100
  register: one

- name: Who added which container to the web pods, with each container's whole spec and annotation
  kubedebug.ephemeral.ephemeral_container_info:
    namespace: shop
    label_selectors:
      - app=web
    # Selectors: compact entries by default (name, image, status, logs, added_by); full returns everything.
    results_detail: full
  register: web
"""

RETURN = r"""
pods:
  description: The selected pods, sorted by namespace and name.
  returned: always
  type: list
  elements: dict
  contains:
    namespace:
      description: The pod's namespace.
      type: str
      sample: payments
    pod:
      description: The pod's name.
      type: str
      sample: ledger-0
    node:
      description: The node the pod runs on; V(null) when not scheduled.
      type: str
      sample: worker-1
    phase:
      description: The pod's phase.
      type: str
      sample: Running
    ephemeral_container_count:
      description: How many ephemeral containers the pod holds (all of them, whatever O(name) says).
      type: int
      sample: 2
    ephemeral_containers:
      description:
        - The pod's ephemeral containers in the order the pod holds them (only O(name) when given).
        - A full entry is the spec as stored (the API's camelCase keys such as C(name), C(image),
          C(targetContainerName), C(command)) plus the keys RV(pods[].ephemeral_containers[].status),
          RV(pods[].ephemeral_containers[].logs), RV(pods[].ephemeral_containers[].logs_truncated),
          RV(pods[].ephemeral_containers[].added_by) and RV(pods[].ephemeral_containers[].annotation).
        - A compact entry (see O(results_detail); by default when selectors or a namespace choose the pods) has of the
          spec only RV(pods[].ephemeral_containers[].name) and RV(pods[].ephemeral_containers[].image), and no
          RV(pods[].ephemeral_containers[].annotation).
      type: list
      elements: dict
      contains:
        name:
          description: The container's name.
          type: str
          sample: debugger-3f9a1c2b7e
        image:
          description: The container's image, as stored in its spec.
          type: str
          sample: busybox:1.36
        status:
          description:
            - The status the kubelet reports, V(null) when it has reported none (not started yet, or the kubelet's
              feature gate is off).
          type: dict
          contains:
            state:
              description: V(waiting), V(running) or V(terminated).
              type: str
              sample: terminated
            reason:
              description: The reason of the state, such as C(ImagePullBackOff) or C(Completed).
              type: str
              sample: Completed
            message:
              description: The message of the state.
              type: str
            exit_code:
              description: The exit code, when terminated.
              type: int
              sample: 0
            signal:
              description: The signal that ended the process, when terminated by one.
              type: int
            started_at:
              description: When the container started.
              type: str
              sample: "2026-01-02T03:04:05Z"
            finished_at:
              description: When the container terminated.
              type: str
              sample: "2026-01-02T03:04:07Z"
            container_id:
              description: The runtime's container ID.
              returned: in full entries, see O(results_detail)
              type: str
              sample: containerd://4f7d...
            image:
              description: The image the kubelet runs.
              returned: in full entries, see O(results_detail)
              type: str
            image_id:
              description: The image's ID.
              returned: in full entries, see O(results_detail)
              type: str
            ready:
              description: The C(ready) flag (ephemeral containers have no probes, so it is false).
              returned: in full entries, see O(results_detail)
              type: bool
            restart_count:
              description: The restart count (ephemeral containers are never restarted).
              returned: in full entries, see O(results_detail)
              type: int
        logs:
          description: The logs, when O(logs=true) and they could be read (otherwise V(null) and a warning).
          type: str
        logs_truncated:
          description: Whether RV(pods[].ephemeral_containers[].logs) was cut at O(logs_limit_bytes).
          type: bool
        added_by:
          description:
            - Who added the container and when, from the pod's C(managedFields), whatever tool wrote it
              (C(kubedebug.ephemeral) or another O(kubedebug.ephemeral.ephemeral_container#module:field_manager), C(kubectl-debug),
              a client library's user agent).
            - V(null) when the server recorded no owner for it.
          type: dict
          contains:
            manager:
              description: The field manager of the write.
              type: str
              sample: kubedebug.ephemeral
            operation:
              description: V(Update) for patches such as ours and kubectl's, V(Apply) for server-side apply.
              type: str
              sample: Update
            time:
              description:
                - When that manager last changed the pod's ephemeral containers. The API keeps one time per manager,
                  so for a container that manager added before another one it is the time of the later one (see
                  RV(pods[].ephemeral_containers[].added_by.time_exact)).
              type: str
              sample: "2026-12-02T12:04:05Z"
            time_exact:
              description: Whether RV(pods[].ephemeral_containers[].added_by.time) is when this container was added (it is the
                newest one that manager owns).
              type: bool
            subresource:
              description: V(ephemeralcontainers) for writes through the subresource; V(null) before Kubernetes 1.22,
                which did not record it.
              type: str
              sample: ephemeralcontainers
            api_version:
              description: The API version of the write.
              type: str
              sample: v1
        annotation:
          description:
            - The record that O(kubedebug.ephemeral.ephemeral_container#module:annotate=true) wrote for this container
              (keys C(run_id), C(user), C(host), C(time), C(field_manager), C(added_by_this_run)), V(null) when there
              is none.
            - Only in full entries, like the rest of the spec; a compact entry has no such key.
          returned: when the entries are full, see O(results_detail)
          type: dict
server:
  description: What the server supports.
  returned: always
  type: dict
  contains:
    git_version:
      description: The server's C(gitVersion), V(null) when C(/version) could not be read.
      type: str
      sample: v1.21.14
    major:
      description: The major version.
      type: int
      sample: 1
    minor:
      description: The minor version.
      type: int
      sample: 21
    api_era:
      description: V(pod) (1.22 and later), V(ephemeral_containers) (1.16 to 1.21) or V(unsupported).
      type: str
      sample: ephemeral_containers
    subresource_enabled:
      description: Whether C(pods/ephemeralcontainers) is served, that is, whether ephemeral containers can be added.
      type: bool
      sample: true
status:
  description: The HTTP status code of the API error that failed the task.
  returned: failure caused by an API error
  type: int
  sample: 403
missing_permission:
  description: The RBAC permission the credentials lack, when RBAC refused a request.
  returned: failure forbidden by RBAC
  type: dict
  sample:
    verb: list
    resource: pods
    namespace: shop
"""

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._info import info
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._module.template import ModuleSpec, run_module


def main() -> None:
    run_module(ModuleSpec(
        info.OPTIONS, lambda task: (info.run(task.api_client, task.server, task.selection, task.params, task.warn), None),
        sharded=True,
    ))


if __name__ == "__main__":
    main()
