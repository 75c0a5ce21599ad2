# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The cleanup's order of work: batches of max_unavailable, each replaced before the next starts, and
the first failure stops the run with the rest untouched."""

from __future__ import annotations

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api.era import ERA_EPHEMERAL_CONTAINERS, ERA_POD
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._cleanup import cleanup as _cleanup
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._cleanup import evict as _evict
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._cleanup.recycle import Candidate, DELETE, EVICT
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._cluster import pods as _pods
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._cluster.discovery import ServerInfo
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._core.errors import KubedebugError

SERVER = ServerInfo("v1.37.2", 1, 37, ERA_POD)


def candidate(name, action=EVICT):
    return Candidate("shop", name, "uid-" + name, {"kind": "ReplicaSet", "name": "rs"}, ["dbg"], "reason", action)


def fake(monkeypatch, fail_on=None):
    log = []
    monkeypatch.setattr(_pods, "read_pod", lambda api, ns, name: {"metadata": {"name": name, "uid": "uid-" + name, "ownerReferences": [
        {"kind": "ReplicaSet", "uid": "rs-uid", "controller": True}]}})
    monkeypatch.setattr(_evict, "ready_uids", lambda api, ns, uid: {"uid-a": "a", "uid-b": "b", "uid-c": "c"})

    def evict(api, ns, name, uid, version, deadline, clock, sleep):
        log.append(("evict", name, version))
        if name == fail_on:
            raise KubedebugError("budget")
        return 1

    def wait(api, ns, old, controller, ready_before, deadline, pod, clock, sleep):
        log.append(("wait", pod, ready_before))
        return {"uid-new-" + pod: "new-" + pod, "uid-b": "b", "uid-c": "c"}

    monkeypatch.setattr(_evict, "evict", evict)
    monkeypatch.setattr(_evict, "wait_replaced", wait)
    monkeypatch.setattr(_evict, "delete", lambda api, ns, name, uid: log.append(("delete", name)))
    monkeypatch.setattr(_evict, "wait_gone", lambda api, ns, name, uid, deadline, clock, sleep: log.append(("gone", name)))
    return log


def test_one_at_a_time_each_replaced_before_the_next(monkeypatch):
    log = fake(monkeypatch)
    pods = [candidate("a"), candidate("b"), candidate("bare", DELETE)]
    assert _cleanup.recycle(None, SERVER, pods, {"max_unavailable": 1, "timeout": 60}) is None
    assert log == [("evict", "a", "v1"), ("wait", "a", 3), ("evict", "b", "v1"), ("wait", "b", 3), ("delete", "bare"), ("gone", "bare")]
    assert [p.outcome for p in pods] == ["recycled", "recycled", "deleted"] and pods[0].replaced_by == ["new-a"]


def test_a_batch_is_evicted_together_then_waited_for(monkeypatch):
    log = fake(monkeypatch)
    assert _cleanup.recycle(None, SERVER, [candidate("a"), candidate("b")], {"max_unavailable": 2, "timeout": 60}) is None
    assert [step[0] for step in log] == ["evict", "evict", "wait", "wait"]


def test_the_first_failure_stops_the_run(monkeypatch):
    log = fake(monkeypatch, fail_on="b")
    pods = [candidate("a"), candidate("b"), candidate("c")]
    failure = _cleanup.recycle(None, SERVER, pods, {"max_unavailable": 1, "timeout": 60})
    assert failure is not None and failure.msg == "budget"
    assert [p.outcome for p in pods] == ["recycled", "failed", "not_reached"] and pods[1].error == "budget"
    assert ("evict", "c", "v1") not in log


def test_1_21_evicts_with_policy_v1beta1(monkeypatch):
    log = fake(monkeypatch)
    _cleanup.recycle(None, ServerInfo("v1.21.14", 1, 21, ERA_EPHEMERAL_CONTAINERS), [candidate("a")], {"max_unavailable": 1, "timeout": 60})
    assert log[0] == ("evict", "a", "v1beta1")
