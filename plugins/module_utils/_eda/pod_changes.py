# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What changed in a pod between two looks at it (pure): a container's restart count rose, a container was
OOM-killed, the pod lost its readiness. The memory of a pod is small and kept across re-lists, so a change that
happened while the watch was down is still seen as a change."""

from __future__ import annotations

import dataclasses
import typing as t

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api.pod import key as pod_key
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api.times import parse_time
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._eda.trigger import (
    CAUSE_NOT_READY,
    CAUSE_OOM_KILLED,
    CAUSE_RESTART,
    Trigger,
)

OOM_REASON = "OOMKilled"


@dataclasses.dataclass(frozen=True)
class PodMemory:
    """What is remembered of one pod between two looks."""

    uid: str
    restarts: t.Mapping[str, int]
    ooms: t.Mapping[str, str]  # container -> the last OOM kill seen (when it finished, which container instance)
    ready: t.Optional[bool]
    been_ready: bool  # Ready was seen True: only then is a loss of readiness a flip
    not_ready_since: t.Optional[float]  # epoch seconds; set while a not-ready spell after readiness lasts


def _statuses(pod: t.Mapping[str, t.Any]) -> t.List[t.Mapping[str, t.Any]]:
    return [s for s in (pod.get("status") or {}).get("containerStatuses") or [] if isinstance(s, dict) and s.get("name")]


def _ready_condition(pod: t.Mapping[str, t.Any]) -> t.Optional[t.Mapping[str, t.Any]]:
    for condition in (pod.get("status") or {}).get("conditions") or []:
        if isinstance(condition, dict) and condition.get("type") == "Ready":
            return condition
    return None


def _oom_kill(status: t.Mapping[str, t.Any]) -> t.Optional[t.Mapping[str, t.Any]]:
    """The container's OOM kill, current (restartPolicy Never) or the one before its restart."""
    for state_key in ("state", "lastState"):
        terminated = (status.get(state_key) or {}).get("terminated") or {}
        if terminated.get("reason") == OOM_REASON:
            return terminated
    return None


def _oom_marker(terminated: t.Mapping[str, t.Any]) -> str:
    return "{0}|{1}".format(terminated.get("finishedAt") or terminated.get("startedAt") or "", terminated.get("containerID") or "")


def is_terminating(pod: t.Mapping[str, t.Any]) -> bool:
    """A pod being deleted loses readiness and may restart on its way out: nothing to diagnose there."""
    return bool((pod.get("metadata") or {}).get("deletionTimestamp")) or (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed")


def empty_memory(uid: str = "") -> PodMemory:
    """A pod as it was before it existed: no restarts, no OOM kill, never ready."""
    return PodMemory(uid=uid, restarts={}, ooms={}, ready=None, been_ready=False, not_ready_since=None)


def remember(pod: t.Mapping[str, t.Any], before: t.Optional[PodMemory], now: float) -> PodMemory:
    """The memory of ``pod`` after this look; ``before`` carries the readiness history."""
    statuses = _statuses(pod)
    condition = _ready_condition(pod)
    ready = None if condition is None else condition.get("status") == "True"
    been_ready = bool(ready) or bool(before and before.been_ready)
    since = None
    if ready is False and been_ready:
        changed = parse_time((condition or {}).get("lastTransitionTime"))
        kept = before.not_ready_since if before is not None else None
        if kept is not None and (changed is None or changed.timestamp() <= kept + 1):
            since = kept  # the same spell goes on
        else:
            # A new spell; it began at the condition's transition (seen late after a re-list), never in the future.
            since = min(changed.timestamp(), now) if changed else now
    ooms = {s["name"]: _oom_marker(_oom_kill(s) or {}) for s in statuses if _oom_kill(s)}
    return PodMemory(
        uid=(pod.get("metadata") or {}).get("uid") or "",
        restarts={s["name"]: int(s.get("restartCount") or 0) for s in statuses},
        ooms={**(before.ooms if before else {}), **ooms},
        ready=ready,
        been_ready=been_ready,
        not_ready_since=since,
    )


def _last_exit(status: t.Mapping[str, t.Any]) -> str:
    terminated = (status.get("lastState") or {}).get("terminated") or {}
    if not terminated:
        return ""
    return "; last exit: {0}, exit code {1}".format(terminated.get("reason") or "unknown reason", terminated.get("exitCode"))


def changes(pod: t.Mapping[str, t.Any], before: PodMemory, after: PodMemory, source: str) -> t.List[Trigger]:
    """Restarts and OOM kills between ``before`` and ``after`` (readiness is timed: see not_ready_due)."""
    namespace, name = pod_key(pod)
    found = []
    for status in _statuses(pod):
        container = status["name"]
        old, new = before.restarts.get(container, 0), after.restarts.get(container, 0)
        if new > old:
            found.append(Trigger(
                namespace=namespace, pod=name, cause=CAUSE_RESTART, occurrence="{0}:{1}".format(container, new),
                detail="container {0} restarted (restart count {1} -> {2}{3})".format(container, old, new, _last_exit(status)),
                source=source, container=container, uid=after.uid,
                at=((status.get("state") or {}).get("running") or {}).get("startedAt") or "",
            ))
        marker = after.ooms.get(container)
        if marker and marker != before.ooms.get(container):
            terminated = _oom_kill(status) or {}
            found.append(Trigger(
                namespace=namespace, pod=name, cause=CAUSE_OOM_KILLED, occurrence="{0}:{1}".format(container, marker),
                detail="container {0} was OOM-killed (exit code {1})".format(container, terminated.get("exitCode")),
                source=source, container=container, uid=after.uid, at=terminated.get("finishedAt") or "",
            ))
    return found


def not_ready_due(pod: t.Mapping[str, t.Any], memory: PodMemory, now: float, seconds: float, source: str) -> t.Optional[Trigger]:
    """The not-ready trigger when the spell has lasted ``seconds``; None while it has not (or is over)."""
    since = memory.not_ready_since
    if since is None or memory.ready is not False or now - since < seconds:
        return None
    namespace, name = pod_key(pod)
    not_ready = [s["name"] for s in _statuses(pod) if not s.get("ready")]
    condition = _ready_condition(pod) or {}
    reason = condition.get("reason") or ""
    return Trigger(
        namespace=namespace, pod=name, cause=CAUSE_NOT_READY, occurrence="{0:.0f}".format(since),
        detail="not ready for {0:g} s{1}{2}".format(
            round(now - since, 1), " (containers not ready: {0})".format(", ".join(not_ready)) if not_ready else "",
            " ({0})".format(reason) if reason and not not_ready else ""),
        source=source, container=not_ready[0] if len(not_ready) == 1 else "", uid=memory.uid,
        reason=reason, at=condition.get("lastTransitionTime") or "",
    )
