# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Building the ephemeral container from the module's options, in kubectl debug's order: the
options, then the profile, then ``custom`` merged last; and the target's volume mounts to add to it.
Pure functions on camelCase dicts; no API calls."""

from __future__ import annotations

import copy
import typing as t

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api.fields import (
    MERGE_KEYS,
    PLAIN_BOOLS,
    PLAIN_MOUNT_BOOLS,
    drop_false,
    is_empty,
    prune,
)
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api.pod import pod_containers
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._spec.options import CONTAINER_OPTIONS, MOUNT_OPTIONS
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._spec.profiles import apply_profile

Container = t.Dict[str, t.Any]


def _strategic_merge(base: t.Any, overlay: t.Any, merge_key: str | None = None) -> t.Any:
    """Overlay ``overlay`` on ``base`` like ``strategicpatch.StrategicMergePatch`` against corev1.Container:
    maps merge recursively, lists with a patch merge key merge item by key, other lists are replaced.
    None in the overlay changes nothing (kubectl parses --custom into a Go struct, which drops nulls)."""
    if isinstance(base, dict) and isinstance(overlay, dict):
        merged = dict(base)
        for key, item in overlay.items():
            if item is None:
                continue
            merged[key] = _strategic_merge(base.get(key), item, MERGE_KEYS.get(key)) if key in base else copy.deepcopy(item)
        return merged
    if merge_key and isinstance(base, list) and isinstance(overlay, list):
        merged_list = [copy.deepcopy(item) for item in base]
        positions = {item.get(merge_key): index for index, item in enumerate(merged_list) if isinstance(item, dict)}
        for item in overlay:
            key = item.get(merge_key) if isinstance(item, dict) else None
            if key is not None and key in positions:
                merged_list[positions[key]] = _strategic_merge(merged_list[positions[key]], item)
            else:
                merged_list.append(copy.deepcopy(item))
        return merged_list
    return copy.deepcopy(overlay)


def mount_from_option(option: t.Dict[str, t.Any]) -> t.Dict[str, t.Any]:
    """One ``volume_mounts`` entry (snake_case suboptions) as a camelCase VolumeMount."""
    mount = prune({sub.api_field: option.get(sub.name) for sub in MOUNT_OPTIONS})
    drop_false(mount, PLAIN_MOUNT_BOOLS)
    return mount


def build_container(params: t.Dict[str, t.Any]) -> Container:
    """Build the EphemeralContainer from module parameters, in kubectl's order: the options, then the
    profile (after an explicit security_context, which baseline and restricted therefore discard),
    then ``custom`` merged last like ``kubectl debug --custom``. Unset and empty fields are omitted.

    ``custom`` keys kubectl refuses (name, command, image, lifecycle, volumeDevices) are merged anyway;
    ``validate_params`` reports them before this is called."""
    container: Container = {}
    for option in CONTAINER_OPTIONS:
        value = params.get(option.name)
        if is_empty(value):
            continue
        if option.suboptions:
            container[option.api_field] = [mount_from_option(item) for item in value]
        else:
            container[option.api_field] = copy.deepcopy(value)
    drop_false(container, PLAIN_BOOLS)

    profile = params.get("profile")
    if profile:
        container = apply_profile(container, profile)
    custom = params.get("custom")
    if custom:
        container = _strategic_merge(container, custom)
    container = prune(container)
    drop_false(container, PLAIN_BOOLS)
    return container


# Where the kubelet mounts a pod's API credentials, also for the secret-based tokens before 1.24.
SERVICE_ACCOUNT_TOKEN_PATH = "/var/run/secrets/kubernetes.io/serviceaccount"


def service_account_token_volumes(pod: t.Mapping[str, t.Any]) -> t.Set[str]:
    """Names of the pod's projected volumes that carry a service account token (``kube-api-access-*``)."""
    names = set()
    for volume in (pod.get("spec") or {}).get("volumes") or []:
        sources = ((volume or {}).get("projected") or {}).get("sources") or []
        if any(isinstance(source, dict) and source.get("serviceAccountToken") for source in sources):
            names.add(volume.get("name"))
    return names


def mounts_from_target(
    pod: t.Dict[str, t.Any], target: str, include_token: bool = False
) -> tuple[list[dict[str, t.Any]], list[str]]:
    """The target container's volumeMounts, ready for an ephemeral container, and warnings.

    Mounts with subPath/subPathExpr are skipped with a warning: the apiserver forbids them on
    ephemeral containers (bind mounts that leak until the pod exits), and mounting the whole volume
    instead would show a different tree at that path. Service account token mounts are left out
    unless ``include_token``: they hand the pod's API credentials to the debug image, and their
    volume names differ per replica, which would give every replica another derived name. A missing
    target gives no mounts; validation reports it."""
    mounts: list[dict[str, t.Any]] = []
    warnings: list[str] = []
    tokens = set() if include_token else service_account_token_volumes(pod)
    for container in pod_containers(pod):
        if container.get("name") != target:
            continue
        for mount in container.get("volumeMounts") or []:
            if not include_token and (mount.get("name") in tokens or mount.get("mountPath") == SERVICE_ACCOUNT_TOKEN_PATH):
                continue
            sub_field = next((name for name in ("subPath", "subPathExpr") if mount.get(name)), None)
            if sub_field:
                warnings.append(
                    "mount_target_volumes: skipped volume %r at %r of container %r because it uses %s=%r, "
                    "which ephemeral containers may not use; mount the whole volume elsewhere with "
                    "volume_mounts if you need it" % (mount.get("name"), mount.get("mountPath"), target, sub_field, mount[sub_field])
                )
                continue
            inherited = prune(copy.deepcopy(mount))
            drop_false(inherited, PLAIN_MOUNT_BOOLS)
            mounts.append(inherited)
        break
    return mounts, warnings


def merge_mounts(explicit: list[dict[str, t.Any]], inherited: list[dict[str, t.Any]]) -> list[dict[str, t.Any]]:
    """Explicit mounts first, then inherited ones whose mountPath no explicit mount uses."""
    taken = {mount.get("mountPath") for mount in explicit}
    return [copy.deepcopy(mount) for mount in explicit] + [
        copy.deepcopy(mount) for mount in inherited if mount.get("mountPath") not in taken
    ]
