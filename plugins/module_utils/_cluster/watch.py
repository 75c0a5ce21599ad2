# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Waiting until ephemeral containers run or terminate: one LIST+WATCH per namespace for all pods of a run, and
the messages of a wait that ends early or times out. The predicates on a container's status are in _api/status.py."""

from __future__ import annotations

import json
import math
import time
import typing as t
from dataclasses import dataclass

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api import gate as _gate
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api.status import (
    FATAL_WAITING_REASONS,
    PROBLEM_WAITING_REASONS,
    WAIT_TERMINATED,
    container_status,
    is_done,
    is_fatal,
    state_name,
    waiting_reason,
)
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._cluster.pods import each_listed_pod
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._core import rest as _rest
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._core.errors import (
    ApiException,
    KubedebugError,
    Operation,
    is_transient,
    translate,
)


NO_STATUS_HINT = (
    "the kubelet never reported a status for it. Likely causes: the kubelet's EphemeralContainers feature gate is off "
    "(Kubernetes {0}: every kubelet needs --feature-gates=EphemeralContainers=true, see the "
    "{1} role), the pod is a static pod (accepted but never started before 1.{2}), or the "
    "container runtime cannot run ephemeral containers".format(_gate.minors("alpha", "beta"), _gate.FEATURE_GATES_ROLE, _gate.REMOVED_FROM)
)


@dataclass(frozen=True)
class Target:
    namespace: str
    pod: str
    container: str

    def __str__(self) -> str:
        return "{0}/{1} container {2!r}".format(self.namespace, self.pod, self.container)


class WaitFailed(KubedebugError):
    """Waiting ended without every container in the wanted state; ``statuses`` holds what was last seen."""

    def __init__(self, msg: str, statuses: t.Mapping[Target, t.Optional[t.Dict[str, t.Any]]]) -> None:
        super().__init__(msg)
        self.statuses = dict(statuses)


class WaitTimeout(WaitFailed):
    """Not every container reached the wanted state in time."""


# ---- pure predicates -------------------------------------------------------------------------


def pending_explanation(status: t.Optional[t.Mapping[str, t.Any]], wait_for: str) -> str:
    """Why a container has not reached ``wait_for``, for timeout and failure messages."""
    if status is None:
        return NO_STATUS_HINT
    state = state_name(status)
    if state == "running" and wait_for == WAIT_TERMINATED:
        return "it is still running (its process has not exited)"
    reason, message = waiting_reason(status)
    if reason in PROBLEM_WAITING_REASONS or reason in FATAL_WAITING_REASONS:
        return "it is waiting with {0}: {1}".format(reason, message or "(no message)")
    if reason:
        return "it is still waiting ({0}{1})".format(reason, ": " + message if message else "")
    return "its status has no state yet"


def _explained(statuses: t.Mapping[Target, t.Optional[t.Mapping[str, t.Any]]], wait_for: str) -> str:
    return " | ".join(
        "{0}: {1}".format(target, pending_explanation(status, wait_for)) for target, status in sorted(statuses.items(), key=lambda i: str(i[0]))
    )


def timeout_message(pending: t.Mapping[Target, t.Optional[t.Mapping[str, t.Any]]], wait_for: str, timeout: float) -> str:
    return "Timed out after {0} s waiting for {1} ephemeral container(s) to be {2}. {3}".format(
        int(timeout), len(pending), wait_for, _explained(pending, wait_for)
    )


def cannot_start_message(failed: t.Mapping[Target, t.Optional[t.Mapping[str, t.Any]]], wait_for: str) -> str:
    return "{0} ephemeral container(s) cannot start: {1}".format(len(failed), _explained(failed, wait_for))


# ---- watching ----------------------------------------------------------------------------------


class _NamespaceWatch:
    """LIST then WATCH the pods of one namespace until every target there is done."""

    def __init__(
        self, api_client: t.Any, namespace: str, targets: t.List[Target], wait_for: str, label_selector: str, pull_errors_fatal: bool = False
    ) -> None:
        self.api_client = api_client
        self.namespace = namespace
        self.wait_for = wait_for
        self.pull_errors_fatal = pull_errors_fatal
        self.pending: t.Dict[Target, t.Optional[t.Dict[str, t.Any]]] = {tg: None for tg in targets}
        self.done: t.Dict[Target, t.Optional[t.Dict[str, t.Any]]] = {}
        # Containers that can never start: no longer waited for, while the others still are.
        self.failed: t.Dict[Target, t.Optional[t.Dict[str, t.Any]]] = {}
        # The targets of each pod: an event finds its pod's targets at once instead of scanning every pending target
        # (that scan was O(pods) per event, O(pods^2) per wait: 2.8 s of CPU at 1,000 pods, 100 times that at 10,000).
        self.by_pod: t.Dict[str, t.List[Target]] = {}
        for target in targets:
            self.by_pod.setdefault(target.pod, []).append(target)
        pods = set(self.by_pod)
        # One pod: watch just it. Many: reuse the selector that chose them, filter the rest locally.
        self.field_selector = "metadata.name={0}".format(next(iter(pods))) if len(pods) == 1 else ""
        self.label_selector = "" if len(pods) == 1 else label_selector
        self.interruptions = 0  # broken watches and unreachable moments survived

    def observe(self, pod: t.Mapping[str, t.Any], deleted: bool = False) -> None:
        name = (pod.get("metadata") or {}).get("name")
        for target in [tg for tg in self.by_pod.get(name, ()) if tg in self.pending]:
            if deleted:
                raise KubedebugError("Pod {0}/{1} was deleted while waiting for its ephemeral container.".format(self.namespace, name))
            status = container_status(pod, target.container)
            self.pending[target] = status
            if is_done(status, self.wait_for):
                self.done[target] = self.pending.pop(target)
            elif is_fatal(status, self.pull_errors_fatal):
                self.failed[target] = self.pending.pop(target)

    def seed(self, statuses: t.Mapping[Target, t.Optional[t.Dict[str, t.Any]]]) -> None:
        """Start from statuses already seen (the selection's read, the write's answer) instead of a LIST."""
        for target in list(self.pending):
            status = statuses.get(target)
            self.pending[target] = status
            if is_done(status, self.wait_for):
                self.done[target] = self.pending.pop(target)
            elif is_fatal(status, self.pull_errors_fatal):
                self.failed[target] = self.pending.pop(target)

    def relist(self) -> str:
        """LIST the namespace again (after a 410 Gone or a broken stream): each pod is observed as its page arrives
        and then dropped, so a namespace of 10,000 pods is never held whole."""
        seen: t.Set[str] = set()

        def each(pod: t.Dict[str, t.Any]) -> None:
            name = (pod.get("metadata") or {}).get("name")
            if name in self.by_pod:
                seen.add(name)
                self.observe(pod)

        resource_version = each_listed_pod(self.api_client, self.namespace, self.label_selector, self.field_selector, each)
        for target in list(self.pending):
            if target.pod not in seen:
                raise KubedebugError("Pod {0}/{1} disappeared while waiting for its ephemeral container.".format(self.namespace, target.pod))
        return resource_version

    def watch_once(self, resource_version: str, seconds: int) -> str:
        """Watch from ``resource_version``; return where a next watch may go on from, or "" when it
        must list again (the version is too old, the stream broke)."""
        query: _rest.Query = [("watch", "true"), ("timeoutSeconds", seconds), ("allowWatchBookmarks", "true")]
        if resource_version:
            query.append(("resourceVersion", resource_version))
        if self.field_selector:
            query.append(("fieldSelector", self.field_selector))
        if self.label_selector:
            query.append(("labelSelector", self.label_selector))
        path = "/api/v1/namespaces/{0}/pods".format(self.namespace)
        try:
            response = _rest.open_response(self.api_client, "GET", path, query=query, timeout=(10, seconds + 15))
        except ApiException as exc:
            raise translate(exc, Operation("watch", "pods", self.namespace)) from exc
        try:
            for line in _rest.iter_lines(response):
                event = json.loads(line)
                kind = event.get("type")
                if kind == "ERROR":  # e.g. 410 Gone: relist
                    return ""
                obj = event.get("object") or {}
                resource_version = (obj.get("metadata") or {}).get("resourceVersion") or resource_version
                if kind != "BOOKMARK":
                    self.observe(obj, deleted=kind == "DELETED")
                if not self.pending:
                    break
        except (_rest.TransportError, OSError, ValueError):
            # The stream broke (apiserver restarting) or a line came cut: list again.
            self.interruptions += 1
            return ""
        finally:
            # Closing first: a half-read watch stream must not go back into the connection pool.
            response.close()
            response.release_conn()
        return resource_version

    def run(self, deadline: float, clock: t.Callable[[], float], sleep: t.Callable[[float], None] = time.sleep,
            resource_version: str = "") -> None:
        """Until every target is done or the deadline passes, watching from ``resource_version`` (a
        LIST first when there is none). An apiserver that restarts or a watch that breaks meanwhile is
        waited for: list again once it answers (the kubelet keeps working)."""
        while self.pending:
            try:
                if not resource_version:
                    resource_version = self.relist()
                left = deadline - clock()
                if not self.pending or left <= 0:
                    return
                resource_version = self.watch_once(resource_version, max(1, int(math.ceil(left))))
            except KubedebugError as exc:
                if not is_transient(exc) or clock() >= deadline:
                    raise
                resource_version = ""
                self.interruptions += 1
                sleep(1.0)


def wait_for_containers(
    api_client: t.Any,
    targets: t.Sequence[Target],
    wait_for: str,
    timeout: float,
    label_selector: str = "",
    clock: t.Callable[[], float] = time.monotonic,
    sleep: t.Callable[[float], None] = time.sleep,
    pull_errors_fatal: bool = False,
    seen: t.Optional[t.Mapping[Target, t.Optional[t.Dict[str, t.Any]]]] = None,
    resource_version: str = "",
) -> t.Dict[Target, t.Optional[t.Dict[str, t.Any]]]:
    """Wait for every target; return the raw container status per target. Raise :class:`WaitTimeout`
    when some are not done by ``timeout`` seconds (one deadline for the whole run), :class:`WaitFailed` when some
    can never start (after the others are done): an invalid image name, an image that must not be pulled, and with
    ``pull_errors_fatal`` a failed pull.

    ``seen`` (every target's status as last read) and ``resource_version`` (of that read, e.g. the
    selection's LIST) spare the LIST: the watch starts where that read ended, so it misses nothing,
    and targets already done need no request at all."""
    deadline = clock() + timeout
    by_namespace: t.Dict[str, t.List[Target]] = {}
    for target in targets:
        by_namespace.setdefault(target.namespace, []).append(target)
    done: t.Dict[Target, t.Optional[t.Dict[str, t.Any]]] = {}
    pending: t.Dict[Target, t.Optional[t.Dict[str, t.Any]]] = {}
    failed: t.Dict[Target, t.Optional[t.Dict[str, t.Any]]] = {}
    for namespace in sorted(by_namespace):
        watch = _NamespaceWatch(api_client, namespace, by_namespace[namespace], wait_for, label_selector, pull_errors_fatal)
        try:
            start_from = ""
            if seen is not None and resource_version:
                watch.seed(seen)
                start_from = resource_version
            if clock() < deadline:
                watch.run(deadline, clock, sleep, start_from)
            else:
                watch.relist()  # out of time: one last look so the error shows the real state
        except WaitFailed:
            raise
        except KubedebugError as exc:
            # A deleted pod, or an error of the API: keep what was seen for the results.
            raise WaitFailed(exc.msg, {**done, **pending, **failed, **watch.done, **watch.pending, **watch.failed}) from exc
        done.update(watch.done)
        pending.update(watch.pending)
        failed.update(watch.failed)
    if failed:
        message = cannot_start_message(failed, wait_for)
        if pending:
            message += ". " + timeout_message(pending, wait_for, timeout)
        raise WaitFailed(message, {**done, **pending, **failed})
    if pending:
        raise WaitTimeout(timeout_message(pending, wait_for, timeout), {**done, **pending})
    return done
