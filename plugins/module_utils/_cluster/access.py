# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What the caller may do, asked of the apiserver's authorizer with SelfSubjectAccessReview (which every
authenticated user may create), one review per permission the collection's tasks need."""

from __future__ import annotations

import typing as t

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api.era import SUBRESOURCE
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._core import rest as _rest
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._core.errors import ApiException, Operation, translate

# (verb, resource, what needs it)
PERMISSIONS: t.Tuple[t.Tuple[str, str, str], ...] = (
    ("patch", SUBRESOURCE, "adding ephemeral containers (ephemeral_container, also its check mode on 1.22+)"),
    ("get", "pods", "reading a pod (ephemeral_container, ephemeral_container_info)"),
    ("list", "pods", "selecting pods (every module)"),
    ("watch", "pods", "waiting for containers (ephemeral_container wait=true)"),
    ("get", "pods/log", "reading logs (logs=true)"),
    ("create", "pods/eviction", "recycling controller-owned pods (ephemeral_container_cleanup)"),
    ("patch", "pods", "recording the run on the pod (ephemeral_container annotate=true)"),
    ("delete", "pods", "deleting bare pods (ephemeral_container_cleanup delete_bare_pods=true)"),
)

REVIEW_PATH = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews"


def review(api_client: t.Any, namespace: t.Optional[str], verb: str, resource: str) -> t.Dict[str, t.Any]:
    """``{allowed, denied, reason}`` for one permission in ``namespace`` (None: all namespaces)."""
    plural, _sep, sub = resource.partition("/")
    attributes = {"verb": verb, "resource": plural, "group": ""}
    if sub:
        attributes["subresource"] = sub
    if namespace:
        attributes["namespace"] = namespace
    body = {"apiVersion": "authorization.k8s.io/v1", "kind": "SelfSubjectAccessReview", "spec": {"resourceAttributes": attributes}}
    try:
        answer = _rest.request_json(api_client, "POST", REVIEW_PATH, body=body, content_type="application/json")
    except ApiException as exc:
        raise translate(exc, Operation("create", "selfsubjectaccessreviews")) from exc
    status = answer.get("status") or {}
    return {"allowed": bool(status.get("allowed")), "reason": status.get("reason") or status.get("evaluationError") or None}


def check_all(api_client: t.Any, namespace: t.Optional[str]) -> t.List[t.Dict[str, t.Any]]:
    """One entry per permission: verb, resource, namespace, allowed, reason, needed_for."""
    entries = []
    for verb, resource, needed_for in PERMISSIONS:
        entry = {"verb": verb, "resource": resource, "namespace": namespace}
        entry.update(review(api_client, namespace, verb, resource))
        entry["needed_for"] = needed_for
        entries.append(entry)
    return entries


def denied_names(entries: t.Iterable[t.Mapping[str, t.Any]]) -> t.List[str]:
    """``"patch pods/ephemeralcontainers"`` for each denied permission."""
    return ["{0} {1}".format(e["verb"], e["resource"]) for e in entries if not e["allowed"]]
