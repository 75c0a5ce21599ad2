# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Pods as the pod_events source sees them in the unit tests: a container's restarts, readiness and last state,
around a fixed start time of the source."""

from __future__ import annotations

import datetime
import typing as t

from ansible_collections.kubedebug.ephemeral.tests.unit import pod_factories

START = 1_800_000_000.0  # 2027-01-15T08:00:00Z
BEFORE_START = "2027-01-15T07:00:00Z"
AFTER_START = "2027-01-15T08:00:05Z"


def iso(epoch: float) -> str:
    return datetime.datetime.fromtimestamp(epoch, tz=datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def pod(name: str = "web", restarts: int = 0, ready: t.Optional[bool] = True, changed: float = START - 600,
        created: str = BEFORE_START, uid: str = "", last_state: t.Optional[dict] = None, terminating: bool = False) -> dict:
    status = {"name": "app", "ready": bool(ready), "restartCount": restarts, "state": {"running": {"startedAt": iso(changed)}}}
    if last_state:
        status["lastState"] = last_state
    conditions = [] if ready is None else [{"type": "Ready", "status": "True" if ready else "False", "lastTransitionTime": iso(changed),
                                            **({} if ready else {"reason": "ContainersNotReady"})}]
    obj = pod_factories.pod(name, conditions=conditions, container_statuses=[status], terminating=terminating)
    obj["metadata"]["creationTimestamp"] = created
    if uid:
        obj["metadata"]["uid"] = uid
    return obj


def oom(finished: str = "2027-01-15T08:01:00Z") -> dict:
    return {"terminated": {"reason": "OOMKilled", "exitCode": 137, "finishedAt": finished, "containerID": "containerd://c1"}}
