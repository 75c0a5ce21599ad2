# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The canary: did changing a component on the first node restart pods there?

A gate change can make the kubelet restart containers (k/k #122028: InPlacePodVerticalScaling changed the container
hash and restarted every container). Before the rollout goes on to the next node, the restart counts of the node's pods
are compared with those from before the change. A pod is matched by UID, so the swapped static pod's replacement (a
new mirror pod, a new UID) is not a restart; a pod that was already crash-looping before is not blamed on the change.
"""

from __future__ import annotations

import json
import typing as t


def _pods(text: str) -> list[dict]:
    try:
        data = json.loads(text) if text and text.strip() else {}
    except ValueError:
        return []
    return [item for item in (data.get("items") or []) if isinstance(item, dict)] if isinstance(data, dict) else []


def _crash_looping(statuses: list[dict]) -> bool:
    return any(((s.get("state") or {}).get("waiting") or {}).get("reason") == "CrashLoopBackOff" for s in statuses)


def restarts(text: str) -> dict[str, dict[str, t.Any]]:
    """``kubectl get pods -o json`` as ``{uid: {pod, restarts, crash_looping}}``; ``restarts`` per container name."""
    found = {}
    for pod in _pods(text):
        meta = pod.get("metadata") or {}
        status = pod.get("status") or {}
        statuses = (status.get("initContainerStatuses") or []) + (status.get("containerStatuses") or [])
        found[str(meta.get("uid", ""))] = {
            "pod": "%s/%s" % (meta.get("namespace", ""), meta.get("name", "")),
            "restarts": {str(s.get("name")): int(s.get("restartCount") or 0) for s in statuses},
            "crash_looping": _crash_looping(statuses),
        }
    return found


def compare(before: dict[str, dict[str, t.Any]], after_text: str, expected: t.Sequence[str] = ()) -> dict[str, t.Any]:
    """``{restarted: [...], expected: [...], message}``: pods that restarted since ``before`` (by UID), apart from
    those crash-looping already, and those named in ``expected`` (``namespace/name``), which are only reported."""
    restarted, known = [], []
    for uid, now in restarts(after_text).items():
        then = before.get(uid)
        if then is None or then.get("crash_looping"):
            continue
        grown = {name: (then["restarts"].get(name, 0), count) for name, count in now["restarts"].items()
                 if count > then["restarts"].get(name, 0)}
        if grown:
            counts = ["container %s restarts %d -> %d" % (name, old, new) for name, (old, new) in sorted(grown.items())]
            line = "%s (%s)" % (now["pod"], ", ".join(counts))
            (known if now["pod"] in expected else restarted).append(line)
    message = ""
    if restarted:
        message = ("Pods on this node restarted after the change: %s. The gate change may restart pods (k/k #122028); "
                   "the rollout stops here, before the next node. Look at the pods' previous logs (kubectl logs "
                   "--previous), then roll this node back or run again with feature_gates_canary=false."
                   % "; ".join(sorted(restarted)))
    return {"restarted": sorted(restarted), "expected": sorted(known), "message": message}
