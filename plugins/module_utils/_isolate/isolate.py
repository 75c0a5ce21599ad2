# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""pod_isolate's flow: read the pod → (its ReplicaSet and the namespace's Services) → plan (_isolate/plan.py) → one
merge patch of the pod's labels, with its resourceVersion so a concurrent change fails instead of being overwritten.
Check mode sends nothing and reports the same change."""

from __future__ import annotations

import typing as t

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api import pod as _pod
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._cluster import pods as _pods
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._core import rest as _rest
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._core.errors import (
    ApiException,
    KubedebugError,
    Operation,
    translate,
)
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._isolate import plan as _plan

MERGE_PATCH = "application/merge-patch+json"


def _get(api_client: t.Any, path: str, op: Operation, missing_ok: bool = False) -> t.Optional[t.Dict[str, t.Any]]:
    try:
        return _rest.request_json(api_client, "GET", path)
    except ApiException as exc:
        if missing_ok and getattr(exc, "status", None) == 404:
            return None
        raise translate(exc, op) from exc


def read_context(api_client: t.Any, namespace: str, owner: t.Optional[t.Mapping[str, str]]
                 ) -> t.Tuple[t.Optional[t.Dict[str, t.Any]], t.List[t.Dict[str, t.Any]]]:
    """The pod's ReplicaSet (None when gone) and the namespace's Services."""
    replica_set = None
    if owner and owner.get("kind") == "ReplicaSet":
        replica_set = _get(api_client, "/apis/apps/v1/namespaces/{0}/replicasets/{1}".format(namespace, owner["name"]),
                           Operation("get", "replicasets", namespace, owner["name"]), missing_ok=True)
    services = _get(api_client, "/api/v1/namespaces/{0}/services".format(namespace), Operation("list", "services", namespace)) or {}
    return replica_set, list(services.get("items") or [])


def patch_pod(api_client: t.Any, namespace: str, name: str, body: t.Dict[str, t.Any], field_manager: str) -> t.Dict[str, t.Any]:
    try:
        return _rest.request_json(api_client, "PATCH", "/api/v1/namespaces/{0}/pods/{1}".format(namespace, name),
                                  query=[("fieldManager", field_manager)], body=body, content_type=MERGE_PATCH)
    except ApiException as exc:
        raise translate(exc, Operation("patch", "pods", namespace, name)) from exc


def result_of(plan: _plan.IsolationPlan, changed: bool, labels_before: t.Mapping[str, str]) -> t.Dict[str, t.Any]:
    after = {key: value for key, value in labels_before.items() if plan.already or key not in plan.remove}
    after[_plan.ISOLATED_LABEL] = "true"
    return {
        "changed": changed,
        "namespace": plan.namespace,
        "pod": plan.pod,
        "owner": plan.owner,
        "labels_removed": plan.remove,
        "services": plan.services,
        "labels": dict(sorted(after.items())),
        "patch": None if plan.already else plan.patch(),
    }


def run(api_client: t.Any, selection: _pods.Selection, params: t.Mapping[str, t.Any], check_mode: bool,
        diff_mode: bool) -> t.Tuple[t.Dict[str, t.Any], t.Optional[KubedebugError]]:
    pod = _pods.read_pod(api_client, selection.namespace, str(selection.pod))
    labels = _plan.labels_of(pod)
    owner = _plan.controller(pod)
    replica_set, services = (None, [])
    if not _pod.is_isolated(pod) and _plan.refusal(pod, owner) is None:
        replica_set, services = read_context(api_client, selection.namespace, owner)
    plan = _plan.plan(pod, replica_set, services)
    if plan.refused:
        raise KubedebugError("Nothing was changed: " + plan.refused, refused=True, owner=plan.owner)
    if not plan.already and not check_mode:
        body = plan.patch()
        # The resourceVersion makes the patch conditional: a pod changed since the read is not overwritten (409).
        body["metadata"]["resourceVersion"] = (pod.get("metadata") or {}).get("resourceVersion")
        patch_pod(api_client, plan.namespace, plan.pod, body, params["field_manager"])
    result = result_of(plan, not plan.already, labels)
    if diff_mode:
        result["diff"] = {"before": {"labels": dict(sorted(labels.items()))}, "after": {"labels": result["labels"]},
                          "before_header": "{0}/{1} metadata.labels".format(plan.namespace, plan.pod),
                          "after_header": "{0}/{1} metadata.labels".format(plan.namespace, plan.pod)}
    return result, None
