# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A watch over a large fleet: each event is matched to its own pod's targets, so a wait costs time in proportion to
the events, not to events times pods."""

from __future__ import annotations

import time

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._cluster import watch as _watch

PODS = 20000


def _event_pod(name: str, container: str) -> dict:
    return {"metadata": {"name": name}, "status": {"ephemeralContainerStatuses": [
        {"name": container, "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}}]}}


def test_every_target_of_a_large_fleet_is_done_after_one_event_each_and_quickly():
    targets = [_watch.Target("ns", "pod-%05d" % i, "dbg") for i in range(PODS)]
    # A second container on one pod: an event completes both targets of its pod, and no other.
    targets.append(_watch.Target("ns", "pod-00007", "other"))
    waiting = _watch._NamespaceWatch(None, "ns", targets, "terminated", "app=web")
    started = time.monotonic()
    for i in range(PODS):
        waiting.observe(_event_pod("pod-%05d" % i, "dbg"))
    elapsed = time.monotonic() - started
    assert not any(target.container == "dbg" for target in waiting.pending)
    assert list(waiting.pending) == [_watch.Target("ns", "pod-00007", "other")]
    # Scanning every pending target per event (the former way) took minutes here; one lookup per event takes well
    # under a second even on a loaded machine.
    assert elapsed < 5, elapsed


def test_an_event_of_a_pod_without_targets_changes_nothing():
    waiting = _watch._NamespaceWatch(None, "ns", [_watch.Target("ns", "a", "dbg")], "terminated", "app=web")
    waiting.observe(_event_pod("b", "dbg"))
    assert list(waiting.pending) == [_watch.Target("ns", "a", "dbg")] and waiting.done == {}
