# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""An ephemeral container's status as the kubelet reports it: its state, why it waits, a short summary.
Pure predicates the watch and the info module share."""

from __future__ import annotations

import typing as t


WAIT_TERMINATED = "terminated"


# The kubelet never gets past these without a change to the spec, and an ephemeral container's
# spec cannot change: fail at once instead of waiting for the timeout.
FATAL_WAITING_REASONS = frozenset(["InvalidImageName", "ErrImageNeverPull"])


# A pull that failed: the kubelet retries it with a back-off, which only helps when the registry was briefly away.
# fail_on_image_pull_error (the default) treats these as fatal too, so a wrong image fails in seconds.
PULL_ERROR_REASONS = frozenset(["ErrImagePull", "ImagePullBackOff"])


# The kubelet retries these; they are what a timeout most likely comes from.
PROBLEM_WAITING_REASONS = frozenset(
    ["ErrImagePull", "ImagePullBackOff", "CreateContainerError", "CreateContainerConfigError", "RunContainerError", "StartError"]
)


def container_status(pod: t.Mapping[str, t.Any], name: str) -> t.Optional[t.Dict[str, t.Any]]:
    """The pod's ``ephemeralContainerStatuses`` entry for ``name``, or None when there is none yet."""
    for status in (pod.get("status") or {}).get("ephemeralContainerStatuses") or []:
        if status.get("name") == name:
            return status
    return None


def state_name(status: t.Optional[t.Mapping[str, t.Any]]) -> t.Optional[str]:
    """"waiting", "running", "terminated", or None when there is no status or no state."""
    state = (status or {}).get("state") or {}
    for name in ("terminated", "running", "waiting"):
        if state.get(name) is not None:
            return name
    return None


def is_done(status: t.Optional[t.Mapping[str, t.Any]], wait_for: str) -> bool:
    """``running`` is satisfied by running or terminated (a short command may be done already)."""
    state = state_name(status)
    if wait_for == WAIT_TERMINATED:
        return state == "terminated"
    return state in ("running", "terminated")


def waiting_reason(status: t.Optional[t.Mapping[str, t.Any]]) -> t.Tuple[t.Optional[str], t.Optional[str]]:
    waiting = ((status or {}).get("state") or {}).get("waiting") or {}
    return waiting.get("reason"), waiting.get("message")


def is_fatal(status: t.Optional[t.Mapping[str, t.Any]], pull_errors_fatal: bool = False) -> bool:
    reason = waiting_reason(status)[0]
    return reason in FATAL_WAITING_REASONS or (pull_errors_fatal and reason in PULL_ERROR_REASONS)


def summarize(status: t.Optional[t.Mapping[str, t.Any]]) -> t.Optional[t.Dict[str, t.Any]]:
    """A flat view of one container status for results; None when the kubelet has reported nothing."""
    if not status:
        return None
    name = state_name(status)
    detail = ((status.get("state") or {}).get(name) or {}) if name else {}
    return {
        "state": name,
        "reason": detail.get("reason"),
        "message": detail.get("message"),
        "exit_code": detail.get("exitCode"),
        "signal": detail.get("signal"),
        "started_at": detail.get("startedAt"),
        "finished_at": detail.get("finishedAt"),
        "container_id": status.get("containerID") or detail.get("containerID"),
        "image": status.get("image"),
        "image_id": status.get("imageID"),
        "ready": status.get("ready"),
        "restart_count": status.get("restartCount"),
    }
