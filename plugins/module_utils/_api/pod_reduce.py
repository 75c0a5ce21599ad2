# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A listed pod cut down to the fields the modules read, as each LIST page arrives.

Why: a selection of 10,000 pods kept every pod whole until planning, and that list was most of a process's memory
(a kwok pod is about 3 KB of JSON and 13.7 KB as Python objects; real pods carry more managedFields,
env, tolerations and kubectl's last-applied copy). What is kept is what a reader of a selected pod uses:

- metadata: name and namespace (key, messages), uid (shard, recycle), deletionTimestamp (skip, guards, recycle),
  labels (isolated pods), annotations (static mirror, the annotate records; without kubectl's last-applied copy),
  ownerReferences (static, recycle), and of managedFields only the entries that own ephemeral containers, with only
  those keys (who added each container). Not resourceVersion: the write is a JSON patch whose ``test`` operation
  guards the list, and the watch starts from the LIST's own version;
- spec: nodeName; of containers and initContainers the name (target, name clashes), resources and livenessProbe
  (guards) and volumeMounts (mount_target_volumes), and the image of containers (the profile probe);
  ephemeralContainers whole (the write's ``before``, idempotence, info); volumes (mount checks, token volumes);
- status: phase and ephemeralContainerStatuses (skip, the wait's seeds, summaries).

tests/unit/plugins/module_utils/test_pod_reduce.py runs every reader on each test pod whole and reduced and wants
the same answers, and fails for each kept field when that field alone is dropped."""

from __future__ import annotations

import typing as t

METADATA_KEYS: t.Tuple[str, ...] = ("name", "namespace", "uid", "deletionTimestamp", "labels", "annotations", "ownerReferences")
SPEC_KEYS: t.Tuple[str, ...] = ("nodeName", "ephemeralContainers", "volumes")
CONTAINER_KEYS: t.Dict[str, t.Tuple[str, ...]] = {
    "containers": ("name", "image", "resources", "livenessProbe", "volumeMounts"),
    "initContainers": ("name", "resources", "livenessProbe", "volumeMounts"),  # an init container's image is never read
}
STATUS_KEYS: t.Tuple[str, ...] = ("phase", "ephemeralContainerStatuses")
# kubectl apply keeps a JSON copy of the whole object here; no reader looks at it.
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
_MANAGED_ENTRY_KEYS: t.Tuple[str, ...] = ("manager", "operation", "time", "subresource", "apiVersion")


def _pick(source: t.Any, keys: t.Iterable[str]) -> t.Dict[str, t.Any]:
    if not isinstance(source, t.Mapping):
        return {}
    return {k: source[k] for k in keys if k in source}


def _ephemeral_ownership(fields: t.Any) -> t.Optional[t.Dict[str, t.Any]]:
    """Only the ``f:ephemeralContainers`` keys of one managedFields entry (under ``f:spec``, or at the top in the
    ``EphemeralContainers`` kind's entries), each with an empty value; None when it owns none."""
    if not isinstance(fields, dict):
        return None
    spec = fields.get("f:spec")
    owned = (spec if isinstance(spec, dict) else fields).get("f:ephemeralContainers")
    if not isinstance(owned, dict):
        return None
    keys = {k: {} for k in owned if isinstance(k, str) and k.startswith("k:")}
    if not keys:
        return None
    return {"f:spec": {"f:ephemeralContainers": keys}} if isinstance(spec, dict) else {"f:ephemeralContainers": keys}


def _managed_fields(entries: t.Any) -> t.List[t.Dict[str, t.Any]]:
    kept = []
    for entry in entries if isinstance(entries, list) else []:
        fields = _ephemeral_ownership((entry or {}).get("fieldsV1")) if isinstance(entry, dict) else None
        if fields is not None:
            kept.append(dict(_pick(entry, _MANAGED_ENTRY_KEYS), fieldsV1=fields))
    return kept


def reduce_pod(pod: t.Mapping[str, t.Any]) -> t.Dict[str, t.Any]:
    """A new dict with only what the modules read of ``pod`` (a listed pod, as the API returns it)."""
    metadata = _pick(pod.get("metadata"), METADATA_KEYS)
    annotations = metadata.get("annotations")
    if isinstance(annotations, dict) and LAST_APPLIED in annotations:
        metadata["annotations"] = {k: v for k, v in annotations.items() if k != LAST_APPLIED}
    managed = _managed_fields((pod.get("metadata") or {}).get("managedFields"))
    if managed:
        metadata["managedFields"] = managed
    spec = _pick(pod.get("spec"), SPEC_KEYS)
    for name, keys in CONTAINER_KEYS.items():
        containers = (pod.get("spec") or {}).get(name)
        if isinstance(containers, list):
            spec[name] = [_pick(c, keys) if isinstance(c, dict) else c for c in containers]
    return dict(_pick(pod, ("kind", "apiVersion")), metadata=metadata, spec=spec, status=_pick(pod.get("status"), STATUS_KEYS))
