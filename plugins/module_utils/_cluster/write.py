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

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api import pod as _pod
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api.defaults import apply_server_defaults
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api.era import Era, SUBRESOURCE
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api.gate import feature_gate_message
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._cluster import pods as _pods
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._core import rest as _rest
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._core.errors import (
    ApiException,
    KubedebugError,
    Operation,
    is_conflict,
    is_transient,
    parse_status,
    translate,
)

JSON_PATCH = "application/json-patch+json"


def patch_body(era: Era, container: t.Mapping[str, t.Any], before: t.Sequence[t.Mapping[str, t.Any]]) -> t.List[t.Dict[str, t.Any]]:
    """The RFC 6902 JSON patch that appends ``container`` to the list ``before``, and only to that list.

    Its ``test`` makes the apiserver refuse (422) a write based on a stale read, so two writers never
    both believe they added the same container, and a write sent again after a broken connection can
    never add it twice. The test checks that our container landed at index ``len(before)``, which
    holds only if nobody added one since we read (the list only grows). It tests a name, not the
    whole list: the apiserver compares leaf values byte by byte as Go encodes them (``&`` as
    ``\u0026``, non-ASCII raw), which Python's encoding of a command line would not match; names are
    DNS labels and encode alike.

    A JSON patch cannot add to an absent list, and a Pod omits an empty one, so there the whole list
    is added after testing that it is still absent (the reference's "add operation does not apply").
    Where the era says so (1.16-1.21), the container goes with the apiserver's defaults filled in."""
    if not era.served:
        raise KubedebugError(feature_gate_message())
    path = "/" + "/".join(era.list_path)
    value = apply_server_defaults(container) if era.sends_defaults else dict(container)
    if not before and era.list_omitted_when_empty:
        return [{"op": "test", "path": path, "value": None}, {"op": "add", "path": path, "value": [value]}]
    return [
        {"op": "add", "path": path + "/-", "value": value},
        {"op": "test", "path": "{0}/{1}/name".format(path, len(before)), "value": container["name"]},
    ]


def is_stale(exc: t.Any) -> bool:
    """A write that may have been refused because the list changed since we read it: a conflict, or
    a 422 from applying the JSON patch, which the apiserver sends without saying which operation
    failed ("the server rejected our request due to an error in our request", no causes). Reading
    the pod again tells: if the list is what we read, the patch was wrong for another reason."""
    if is_conflict(exc):
        return True
    status = parse_status(exc)
    return getattr(exc, "status", None) == 422 and not status["details"].get("causes") and not status["details"].get("name")


def verify_written(era: Era, response: t.Mapping[str, t.Any], name: str) -> t.Dict[str, t.Any]:
    """The stored entry for ``name`` in a write's response; raise when the write added nothing."""
    kind = response.get("kind")
    stored = _pod.find_container(_pod.ephemeral_containers(response), name) if kind == era.kind else None
    if stored is None:
        raise KubedebugError(
            "The server answered 200 but did not add ephemeral container {0!r} (response kind {1!r}, expected {2!r}). "
            "This is an API era mismatch: a server before 1.22 ignores the 1.22+ patch shape and vice versa. "
            "Nothing was changed.".format(name, kind, era.kind),
            era_mismatch=True,
        )
    return stored


def path(namespace: str, pod: str) -> str:
    return "/api/v1/namespaces/{0}/pods/{1}/ephemeralcontainers".format(namespace, pod)


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
    op = Operation("patch", SUBRESOURCE, namespace, pod)
    name = container["name"]
    current = [dict(item) for item in before]
    deadline = clock() + RETRY_SECONDS
    sent_and_lost = False
    refused: t.Any = None
    attempt = 0
    while True:
        attempt += 1
        body = patch_body(era, container, current)
        try:
            response = _rest.request_json(api_client, "PATCH", path(namespace, pod), query=query, body=body,
                                          content_type=JSON_PATCH)
            return Written(verify_written(era, response, name), response, True, current, attempt)
        except ApiException as exc:
            refused = exc
            stale = is_stale(exc)
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
        current = _pod.ephemeral_containers(pod_now)
        found = _pod.find_container(current, name)
        if found is not None:
            earlier = [item for item in current if item.get("name") != name]
            return Written(found, pod_now, sent_and_lost, earlier, attempt, uncertain=sent_and_lost)
        if stale and not is_transient(refused) and [item.get("name") for item in current] == names_before:
            # Nothing changed, so the refusal was not about a stale read.
            raise translate(refused, op) from refused
