# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Recycling one pod: an eviction through the Eviction API, so PodDisruptionBudgets are honoured (a
429 means a budget refuses for now: wait and ask again until the timeout; never force, never delete
instead), and waiting until its controller has as many Ready pods as before, none of them the old one.

Every request names the pod's UID as a precondition, so a pod of the same name made meanwhile (a
StatefulSet's replacement) is never evicted by mistake."""

from __future__ import annotations

import time
import typing as t

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api import pod as _pod
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._cleanup.recycle import owner_uid
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._cluster import pods as _pods
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._core import rest as _rest
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._core.errors import (
    ApiException,
    KubedebugError,
    Operation,
    parse_status,
    translate,
)

POLL_SECONDS = 1.0
BUDGET_RETRY_SECONDS = 3.0


def _gone(exc: t.Any) -> bool:
    """404: the pod is gone; 409 on the UID precondition: the name now belongs to a new pod."""
    return getattr(exc, "status", None) in (404, 409)


def evict(api_client: t.Any, namespace: str, pod: str, uid: str, policy_version: str, deadline: float,
          clock: t.Callable[[], float] = time.monotonic, sleep: t.Callable[[float], None] = time.sleep) -> int:
    """Evict, asking again while a disruption budget refuses; returns the number of requests."""
    body = {"apiVersion": "policy/" + policy_version, "kind": "Eviction", "metadata": {"name": pod, "namespace": namespace},
            "deleteOptions": {"preconditions": {"uid": uid}}}
    path = "/api/v1/namespaces/{0}/pods/{1}/eviction".format(namespace, pod)
    attempts = 0
    while True:
        attempts += 1
        try:
            _rest.request_json(api_client, "POST", path, body=body, content_type="application/json")
            return attempts
        except ApiException as exc:
            if _gone(exc):
                return attempts
            if getattr(exc, "status", None) != 429:
                raise translate(exc, Operation("create", "pods/eviction", namespace, pod)) from exc
            if clock() >= deadline:
                raise KubedebugError(
                    "Pod {0}/{1}: a PodDisruptionBudget still refused its eviction after {2} attempt(s) ({3}); nothing was "
                    "forced. Wait until the workload is healthy, or raise timeout.".format(
                        namespace, pod, attempts, parse_status(exc).get("message")), budget_refused=True) from exc
        sleep(BUDGET_RETRY_SECONDS)


def delete(api_client: t.Any, namespace: str, pod: str, uid: str) -> None:
    body = {"apiVersion": "v1", "kind": "DeleteOptions", "preconditions": {"uid": uid}}
    try:
        _rest.request_json(api_client, "DELETE", "/api/v1/namespaces/{0}/pods/{1}".format(namespace, pod), body=body,
                           content_type="application/json")
    except ApiException as exc:
        if not _gone(exc):
            raise translate(exc, Operation("delete", "pods", namespace, pod)) from exc


def is_ready(pod: t.Mapping[str, t.Any]) -> bool:
    if (pod.get("metadata") or {}).get("deletionTimestamp"):
        return False
    conditions = (pod.get("status") or {}).get("conditions") or []
    return any(c.get("type") == "Ready" and c.get("status") == "True" for c in conditions)


def owned_by(api_client: t.Any, namespace: str, uid: str) -> t.List[t.Dict[str, t.Any]]:
    """The pods of one controller (by its UID) in a namespace, kept as each LIST page arrives (not the namespace's)."""
    owned: t.List[t.Dict[str, t.Any]] = []
    _pods.each_listed_pod(api_client, namespace, "", "", lambda pod: owned.append(pod) if owner_uid(pod) == uid else None)
    return owned


def ready_uids(api_client: t.Any, namespace: str, controller_uid: str) -> t.Dict[str, str]:
    """UID -> name of the controller's Ready pods."""
    return {(p.get("metadata") or {}).get("uid", ""): _pod.key(p)[1] for p in owned_by(api_client, namespace, controller_uid) if is_ready(p)}


def wait_replaced(api_client: t.Any, namespace: str, old_uid: str, controller_uid: str, ready_before: int, deadline: float,
                  pod: str, clock: t.Callable[[], float] = time.monotonic,
                  sleep: t.Callable[[float], None] = time.sleep) -> t.Dict[str, str]:
    """Wait until the old pod is gone and the controller has ``ready_before`` Ready pods again; return
    its Ready pods (UID -> name)."""
    while True:
        pods = owned_by(api_client, namespace, controller_uid)
        uids = {(p.get("metadata") or {}).get("uid") for p in pods}
        ready = {(p.get("metadata") or {}).get("uid"): _pod.key(p)[1] for p in pods if is_ready(p)}
        if old_uid not in uids and len(ready) >= ready_before:
            return ready
        if clock() >= deadline:
            raise KubedebugError(
                "Pod {0}/{1} was evicted, but its controller had {2} Ready pod(s) of {3} when the timeout ran out{4}; the "
                "remaining pods were not touched.".format(
                    namespace, pod, len(ready), ready_before, " (the old pod is still terminating)" if old_uid in uids else ""),
                replacement_not_ready=True)
        sleep(POLL_SECONDS)


def wait_gone(api_client: t.Any, namespace: str, pod: str, uid: str, deadline: float,
              clock: t.Callable[[], float] = time.monotonic, sleep: t.Callable[[float], None] = time.sleep) -> None:
    """Wait until no pod of this name and UID exists (a deleted bare pod)."""
    while True:
        try:
            current = _rest.request_json(api_client, "GET", "/api/v1/namespaces/{0}/pods/{1}".format(namespace, pod))
        except ApiException as exc:
            if getattr(exc, "status", None) == 404:
                return
            raise translate(exc, Operation("get", "pods", namespace, pod)) from exc
        if (current.get("metadata") or {}).get("uid") != uid:
            return
        if clock() >= deadline:
            raise KubedebugError("Pod {0}/{1} was deleted but still exists when the timeout ran out (its containers are still "
                                 "stopping); the remaining pods were not touched.".format(namespace, pod))
        sleep(POLL_SECONDS)
