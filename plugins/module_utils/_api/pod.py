# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Facts read off a pod object: its key, its containers, its ephemeral containers, whether it is static."""

from __future__ import annotations

import typing as t


def key(pod: t.Mapping[str, t.Any]) -> t.Tuple[str, str]:
    meta = pod.get("metadata") or {}
    return meta.get("namespace", ""), meta.get("name", "")


def pod_containers(pod: t.Mapping[str, t.Any]) -> t.List[t.Dict[str, t.Any]]:
    """Regular and init containers: the ones an ephemeral container may target and may not be named after."""
    spec = pod.get("spec") or {}
    return [c for key in ("containers", "initContainers") for c in spec.get(key) or [] if isinstance(c, dict)]


def ephemeral_containers(obj: t.Mapping[str, t.Any]) -> t.List[t.Dict[str, t.Any]]:
    """The ephemeral container list of a Pod or of an ``EphemeralContainers`` object."""
    if obj.get("kind") == "EphemeralContainers":
        return list(obj.get("ephemeralContainers") or [])
    return list((obj.get("spec") or {}).get("ephemeralContainers") or [])


def find_container(containers: t.Iterable[t.Mapping[str, t.Any]], name: str) -> t.Optional[t.Dict[str, t.Any]]:
    for container in containers:
        if container.get("name") == name:
            return dict(container)
    return None


# Set by the kubelet on the mirror pod of a static pod.
MIRROR_ANNOTATION = "kubernetes.io/config.mirror"


def is_mirror(pod: t.Mapping[str, t.Any]) -> bool:
    """The apiserver's own test for a static pod's mirror (k/k ValidatePodEphemeralContainersUpdate)."""
    return MIRROR_ANNOTATION in ((pod.get("metadata") or {}).get("annotations") or {})


def is_static(pod: t.Mapping[str, t.Any]) -> bool:
    """A static pod's mirror: it belongs to its node's kubelet (annotated, and owned by the Node)."""
    owners = (pod.get("metadata") or {}).get("ownerReferences") or []
    return is_mirror(pod) or any(o.get("kind") == "Node" for o in owners)


# Set by pod_isolate on a pod it took out of its ReplicaSet and Services; the annotation records what was removed.
ISOLATED_LABEL = "kubedebug.ephemeral/isolated"
ISOLATED_ANNOTATION = "kubedebug.ephemeral/isolated-from"


def is_isolated(pod: t.Mapping[str, t.Any]) -> bool:
    return ((pod.get("metadata") or {}).get("labels") or {}).get(ISOLATED_LABEL) == "true"
