# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What a target group may still use of the run's limits: diagnostics_timeout counts from the run's start for all
groups together, diagnostics_max_pods counts the pods of earlier groups."""

from __future__ import annotations

import typing as t


def budget(started: t.Any, timeout: t.Any, max_pods: t.Any, pods_used: t.Any, group_wait_timeout: t.Any,
           now: t.Any) -> dict[str, t.Any]:
    """``{left_seconds, left_pods, wait_timeout, skip}``: ``skip`` is why the group does not run ("" when it does);
    ``wait_timeout`` is the group's own, cut to what is left of the run's time."""
    left_seconds = int(float(started) + int(timeout) - float(now))
    left_pods = int(max_pods) - int(pods_used)
    if left_seconds <= 0:
        skip = "overall timeout (diagnostics_timeout=%s s) reached before this group started" % (timeout,)
    elif left_pods <= 0:
        skip = "diagnostics_max_pods=%s pods already used by earlier groups" % (max_pods,)
    else:
        skip = ""
    return {"left_seconds": left_seconds, "left_pods": left_pods, "skip": skip,
            "wait_timeout": min(int(group_wait_timeout), left_seconds)}
