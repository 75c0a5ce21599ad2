# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Which pods ephemeral_container_cleanup recycles, and why: the criterion a pod's ephemeral
containers meet, and what may be done to the pod given who owns it. Pure: no API calls.

An ephemeral container can never be removed; only a new pod is free of them. A controller that
recreates its pods (ReplicaSet, StatefulSet, DaemonSet, ReplicationController) makes eviction safe;
a bare pod would be gone for good, a static pod belongs to its kubelet, and a Job's pod would rerun
or fail the job, so those are reported and left alone."""

from __future__ import annotations

import datetime
import typing as t
from dataclasses import dataclass, field

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api import field_managers as _field_managers
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api import pod as _pod
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api import status as _status
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api.times import parse_time
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._spec.options import CLEANUP_CRITERIA

EVICT, DELETE, NONE = "evict", "delete", "none"
RECREATING_OWNERS = ("ReplicaSet", "StatefulSet", "DaemonSet", "ReplicationController")


@dataclass
class Candidate:
    namespace: str
    pod: str
    uid: str
    owner: t.Optional[t.Dict[str, str]]
    containers: t.List[str]
    reason: str  # why it matched the criterion
    action: str  # evict, delete or none
    why_not: t.Optional[str] = None  # for action none: why the pod is left alone
    outcome: t.Optional[str] = None
    replaced_by: t.List[str] = field(default_factory=list)
    attempts: int = 0
    error: t.Optional[str] = None

    def as_dict(self) -> t.Dict[str, t.Any]:
        return {
            "namespace": self.namespace, "pod": self.pod, "owner": self.owner, "ephemeral_containers": self.containers,
            "reason": self.reason, "action": self.action, "left_alone_because": self.why_not, "outcome": self.outcome,
            "replaced_by": self.replaced_by, "eviction_attempts": self.attempts, "error": self.error,
        }


def criterion_problems(params: t.Mapping[str, t.Any]) -> t.List[str]:
    given = [name for name in CLEANUP_CRITERIA if params.get(name) is not None]
    if len(given) == 1:
        return []
    if not given:
        return ["give one of {0} to say which pods to recycle".format(", ".join(CLEANUP_CRITERIA))]
    return ["{0} cannot be combined; give exactly one of {1}".format(" and ".join(given), ", ".join(CLEANUP_CRITERIA))]


def match(pod: t.Mapping[str, t.Any], params: t.Mapping[str, t.Any], now: datetime.datetime) -> t.Optional[str]:
    """Why the pod's ephemeral containers meet the task's criterion, or None."""
    names = [c.get("name", "") for c in _pod.ephemeral_containers(pod)]
    if not names:
        return None
    if params.get("min_ephemeral_containers") is not None:
        wanted = params["min_ephemeral_containers"]
        return "holds {0} ephemeral container(s), min_ephemeral_containers={1}".format(len(names), wanted) if len(names) >= wanted else None
    if params.get("terminated_for") is not None:
        ages = []
        for name in names:
            state = ((_status.container_status(pod, name) or {}).get("state") or {}).get("terminated") or {}
            finished = parse_time(state.get("finishedAt"))
            if finished is None:
                return None  # running, waiting, never started, or no status: not finished
            ages.append(int((now - finished).total_seconds()))
        if min(ages) < params["terminated_for"]:
            return None
        return "all {0} ephemeral container(s) terminated, the latest {1} s ago, terminated_for={2}".format(
            len(names), min(ages), params["terminated_for"])
    if params.get("run_id") is not None:
        run_id = params["run_id"]
        records = _field_managers.records(pod)
        found = [n for n in names if n.endswith("-" + run_id) or (isinstance(records.get(n), dict) and records[n].get("run_id") == run_id)]
        return "ephemeral container(s) {0} come from run {1!r}".format(", ".join(found), run_id) if found else None
    prefix = params["name_prefix"]
    found = [n for n in names if n.startswith(prefix)]
    return "ephemeral container(s) {0} start with {1!r}".format(", ".join(found), prefix) if found else None


def _controller(pod: t.Mapping[str, t.Any]) -> t.Optional[t.Dict[str, str]]:
    for owner in (pod.get("metadata") or {}).get("ownerReferences") or []:
        if owner.get("controller"):
            return {"kind": owner.get("kind", ""), "name": owner.get("name", ""), "uid": owner.get("uid", "")}
    return None


def decide(pod: t.Mapping[str, t.Any], delete_bare_pods: bool) -> t.Tuple[str, t.Optional[str]]:
    """(action, why it is left alone) from the pod's owner and state."""
    meta = pod.get("metadata") or {}
    owner = _controller(pod)
    if meta.get("deletionTimestamp"):
        return NONE, "the pod is already terminating"
    if _pod.is_static(pod):
        return NONE, "static (mirror) pod: it belongs to its node's kubelet; remove or change its manifest on the node instead"
    if owner is None and _pod.is_isolated(pod):
        # pod_isolate took it out of its ReplicaSet, which has replaced it already; deleting it is the recycling.
        return DELETE, None
    if owner is None:
        if delete_bare_pods:
            return DELETE, None
        return NONE, "bare pod: nothing would recreate it; set delete_bare_pods=true to delete it for good"
    if owner["kind"] == "Job":
        return NONE, "Job pod: evicting it would rerun or fail the job; it goes away with the job"
    if owner["kind"] in RECREATING_OWNERS:
        return EVICT, None
    return NONE, "owned by {0} {1}, which this module does not know to recreate its pods".format(owner["kind"], owner["name"])


def candidates(pods: t.Iterable[t.Mapping[str, t.Any]], params: t.Mapping[str, t.Any], now: datetime.datetime) -> t.List[Candidate]:
    """The pods that meet the criterion, sorted, each with what to do."""
    found = []
    for pod in sorted(pods, key=_pod.key):
        reason = match(pod, params, now)
        if reason is None:
            continue
        namespace, name = _pod.key(pod)
        action, why_not = decide(pod, bool(params.get("delete_bare_pods")))
        owner = _controller(pod)
        found.append(Candidate(
            namespace, name, (pod.get("metadata") or {}).get("uid", ""),
            {"kind": owner["kind"], "name": owner["name"]} if owner else None,
            [c.get("name", "") for c in _pod.ephemeral_containers(pod)], reason, action, why_not))
    return found


def owner_uid(pod: t.Mapping[str, t.Any]) -> t.Optional[str]:
    owner = _controller(pod)
    return owner["uid"] if owner else None
