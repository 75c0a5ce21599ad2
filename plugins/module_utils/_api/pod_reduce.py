# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A listed pod cut down to the fields the modules read, as each LIST page arrives.

Why: a selection of 10,000 pods kept every pod whole until planning, and the list is most of a process's memory
(a kwok pod is about 3.5 KB of JSON, several times that as Python objects; real pods carry more managedFields,
tolerations and last-applied annotations). What is kept is what a reader of a selected pod uses:

- metadata: name, namespace (key, messages), uid (shard, recycle), resourceVersion, creationTimestamp,
  deletionTimestamp (skip, guards, recycle), labels (isolated), annotations (static mirror, the annotate records;
  without kubectl's last-applied copy of the whole object), ownerReferences (static, recycle), and of managedFields
  only the entries that own ephemeral containers, with only those keys (who added each container, the info module);
- spec: containers and initContainers whole (target, names, resources and probes for the guards, mounts, the
  first image for the profile probe), ephemeralContainers (the write's ``before``, idempotence), volumes (mount
  checks, token volumes), nodeName;
- status: phase, conditions and the three container status lists (wait seeds, summaries, recycle).

tests/unit/plugins/module_utils/test_pod_reduce.py plans, guards and summarises every test pod both whole and
reduced, and fails when a field a reader needs is dropped here."""

from __future__ import annotations

import typing as t

METADATA_KEYS: t.Tuple[str, ...] = ("name", "namespace", "uid", "resourceVersion", "creationTimestamp", "deletionTimestamp",
                                    "labels", "annotations", "ownerReferences")
SPEC_KEYS: t.Tuple[str, ...] = ("nodeName", "containers", "initContainers", "ephemeralContainers", "volumes")
STATUS_KEYS: t.Tuple[str, ...] = ("phase", "conditions", "containerStatuses", "initContainerStatuses", "ephemeralContainerStatuses")
# kubectl apply keeps a JSON copy of the whole object here; no reader looks at it.
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
_MANAGED_ENTRY_KEYS: t.Tuple[str, ...] = ("manager", "operation", "time", "subresource", "apiVersion")


def _pick(source: t.Any, keys: t.Iterable[str]) -> t.Dict[str, t.Any]:
    if not isinstance(source, dict):
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
    return {
        "kind": pod.get("kind") or "Pod",
        "apiVersion": pod.get("apiVersion") or "v1",
        "metadata": metadata,
        "spec": _pick(pod.get("spec"), SPEC_KEYS),
        "status": _pick(pod.get("status"), STATUS_KEYS),
    }
