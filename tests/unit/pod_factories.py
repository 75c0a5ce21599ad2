# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The unit tests' one way to make a Pod as the API returns it (a dict, as ``sanitize_for_serialization`` gives).

Every test asks only for what it is about; the rest is a plausible running pod ``shop/web`` on ``node-1`` with one
container ``app`` that mounts the volume ``tmp`` at /tmp (what "mount the target's volumes" copies).
"""

from __future__ import annotations

import json
import typing as t

APP = {"name": "app", "image": "distroless/app:1", "volumeMounts": [{"name": "tmp", "mountPath": "/tmp"}]}
TMP_VOLUME = {"name": "tmp", "emptyDir": {}}
TERMINATING_SINCE = "2026-12-02T11:00:00Z"


def pod(name: str = "web", namespace: str = "shop", *, phase: str = "Running", labels: dict | None = None,
        annotations: dict | None = None, containers: list | None = None, volumes: list | None = None,
        ephemeral: t.Iterable[t.Any] = (), statuses: t.Iterable[dict] = (), conditions: list | None = None,
        container_statuses: list | None = None, init_container_statuses: list | None = None,
        owner: str | None = None, terminating: bool = False, managed: list | None = None,
        resource_version: str = "1", uid: str | None = None) -> dict:
    """A Pod. ``ephemeral`` takes container dicts or bare names; ``owner`` is the kind of a controlling owner
    (ReplicaSet, StatefulSet, ...); ``terminating`` sets a deletionTimestamp; ``managed`` is managedFields."""
    metadata: dict = {"name": name, "namespace": namespace, "uid": uid or "uid-" + name, "resourceVersion": resource_version,
                      "labels": {"app": "web"} if labels is None else labels, "annotations": annotations or {}}
    if owner:
        metadata["ownerReferences"] = [{"kind": owner, "name": "o", "uid": "owner-uid", "controller": True}]
    if terminating:
        metadata["deletionTimestamp"] = TERMINATING_SINCE
    if managed is not None:
        metadata["managedFields"] = managed
    spec: dict = {"nodeName": "node-1", "containers": [dict(APP)] if containers is None else containers,
                  "volumes": [dict(TMP_VOLUME)] if volumes is None else volumes}
    status: dict = {"phase": phase}
    # The API leaves empty lists out (omitempty), and the code must cope with the key missing.
    if ephemeral:
        spec["ephemeralContainers"] = [{"name": c} if isinstance(c, str) else c for c in ephemeral]
    if statuses:
        status["ephemeralContainerStatuses"] = list(statuses)
    if conditions is not None:
        status["conditions"] = conditions
    if container_statuses is not None:
        status["containerStatuses"] = container_statuses
    if init_container_statuses is not None:
        status["initContainerStatuses"] = init_container_statuses
    return {"kind": "Pod", "apiVersion": "v1", "metadata": metadata, "spec": spec, "status": status}


def mirror_pod_json(annotations: dict | None = None, conditions: list | None = None,
                    container_statuses: list | None = None) -> str:
    """A static pod's mirror pod as ``kubectl get pod -o json`` prints it (kube-apiserver on node1)."""
    return json.dumps(pod("kube-apiserver-node1", "kube-system", annotations=annotations, conditions=conditions,
                          container_statuses=container_statuses))
