# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Adding one ephemeral container to one pod, safely when others write to the same pod at the same
time or the connection breaks: a JSON patch whose ``test`` holds only if the list is as we read it.
When it no longer holds we read the pod again: if the container is there now, someone (or our own
earlier, broken attempt) added it and we report that instead of adding a second one; if not, we try
again on the fresh list. Nothing here decides whether a found container is acceptable; the caller
compares specs."""

from __future__ import annotations

import random
import time
import typing as t
from dataclasses import dataclass

from ansible_collections.kubedebug.ephemeral.plugins.module_utils import _pods, _rest, _subresource
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._era import Era
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._errors import KubedebugError, Operation, is_transient, translate

try:
    from kubernetes.client.exceptions import ApiException
except ImportError:  # handled by the module (missing_required_lib)
    ApiException = Exception  # type: ignore[assignment,misc]

# How long one pod's write keeps trying through stale reads, a restarting apiserver or a broken connection.
RETRY_SECONDS = 60.0


@dataclass
class Written:
    """The outcome of one write: the container's stored entry and whether this task added it."""

    stored: t.Dict[str, t.Any]
    response: t.Dict[str, t.Any]  # the write's answer, or the pod as read again
    created: bool
    before: t.List[t.Dict[str, t.Any]]  # the list our (last) write was based on
    attempts: int = 1
    # The connection broke after a write was sent, and the container is there now: almost surely ours,
    # but another writer cannot be ruled out.
    uncertain: bool = False


def _backoff(attempt: int) -> float:
    return min(2.0, 0.05 * (2 ** min(attempt, 6))) * random.uniform(0.5, 1.0)


def add_container(
    api_client: t.Any,
    era: Era,
    namespace: str,
    pod: str,
    container: t.Mapping[str, t.Any],
    before: t.Sequence[t.Mapping[str, t.Any]],
    dry_run: bool = False,
    field_manager: t.Optional[str] = None,
    clock: t.Callable[[], float] = time.monotonic,
    sleep: t.Callable[[float], None] = time.sleep,
) -> Written:
    """Append ``container`` to the pod whose ephemeral containers were ``before`` (as read).

    ``dry_run`` sends ``dryRun=All`` (1.22+ only): validation and admission run, nothing is stored.
    ``field_manager`` goes as the ``fieldManager`` query parameter, which every PATCH takes (not only
    server-side apply), so the pod's managedFields name who added the container."""
    if dry_run and not era.dry_run:
        raise KubedebugError("Server-side dry run is only used with the Pod-kind API (1.22+).")
    query: _rest.Query = [("dryRun", "All")] if dry_run else []
    if field_manager:
        query.append(("fieldManager", field_manager))
    op = Operation("patch", "pods/ephemeralcontainers", namespace, pod)
    name = container["name"]
    current = [dict(item) for item in before]
    deadline = clock() + RETRY_SECONDS
    sent_and_lost = False
    refused: t.Any = None
    attempt = 0
    while True:
        attempt += 1
        body = _subresource.patch_body(era, container, current)
        try:
            response = _rest.request_json(api_client, "PATCH", _subresource.path(namespace, pod), query=query, body=body,
                                          content_type=_subresource.JSON_PATCH)
            return Written(_subresource.verify_written(era, response, name), response, True, current, attempt)
        except ApiException as exc:
            refused = exc
            stale = _subresource.is_stale(exc)
            # Sending the same write again is safe: its test operation keeps it from adding twice.
            if not (stale or is_transient(exc)) or clock() >= deadline:
                raise translate(exc, op) from exc
            # A broken connection or a gateway error may come after the server stored the write.
            sent_and_lost = sent_and_lost or getattr(exc, "status", None) in (0, 500, 502, 503, 504)
        sleep(_backoff(attempt))
        try:
            pod_now = _pods.read_pod(api_client, namespace, pod)
        except KubedebugError:
            if clock() >= deadline:
                raise
            continue  # still unreachable: keep the list we had; the test operation guards the retry
        names_before = [item.get("name") for item in current]
        current = _subresource.ephemeral_containers(pod_now)
        found = _subresource.find_container(current, name)
        if found is not None:
            earlier = [item for item in current if item.get("name") != name]
            return Written(found, pod_now, sent_and_lost, earlier, attempt, uncertain=sent_and_lost)
        if stale and not is_transient(refused) and [item.get("name") for item in current] == names_before:
            # Nothing changed, so the refusal was not about a stale read.
            raise translate(refused, op) from refused
