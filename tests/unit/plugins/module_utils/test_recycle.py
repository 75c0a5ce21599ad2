# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Which pods cleanup chooses and what it may do to each (pure); the eviction's budget retries."""

from __future__ import annotations

import datetime
import json

import pytest

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._cleanup import evict as _evict
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._cleanup.recycle import (
    DELETE,
    EVICT,
    NONE,
    candidates,
    criterion_problems,
    decide,
    match,
)
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._core import rest as _rest
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._core.errors import KubedebugError
from ansible_collections.kubedebug.ephemeral.tests.unit.plugins.module_utils.recorder import Recorder, api_error
from ansible_collections.kubedebug.ephemeral.tests.unit.pod_factories import pod

NOW = datetime.datetime(2026, 12, 2, 12, 0, 0, tzinfo=datetime.timezone.utc)


def ended(name, at):
    return {"name": name, "state": {"terminated": {"exitCode": 0, "finishedAt": at}}}


def test_exactly_one_criterion():
    assert criterion_problems({"run_id": "r"}) == []
    assert "give one of min_ephemeral_containers" in criterion_problems({})[0]
    assert "min_ephemeral_containers and run_id cannot be combined" in criterion_problems({"min_ephemeral_containers": 2, "run_id": "r"})[0]


def test_count():
    assert match(pod(ephemeral=["a", "b"]), {"min_ephemeral_containers": 2}, NOW) == "holds 2 ephemeral container(s), min_ephemeral_containers=2"
    assert match(pod(ephemeral=["a"]), {"min_ephemeral_containers": 2}, NOW) is None
    assert match(pod(), {"min_ephemeral_containers": 1}, NOW) is None


def test_age_needs_every_container_ended_long_enough():
    both = pod(ephemeral=["a", "b"], statuses=[ended("a", "2026-12-02T10:00:00Z"), ended("b", "2026-12-02T11:59:00Z")])
    assert "the latest 60 s ago" in match(both, {"terminated_for": 60}, NOW)
    assert match(both, {"terminated_for": 61}, NOW) is None
    running = pod(ephemeral=["a", "b"], statuses=[ended("a", "2026-12-02T10:00:00Z"), {"name": "b", "state": {"running": {}}}])
    assert match(running, {"terminated_for": 0}, NOW) is None
    never_started = pod(ephemeral=["a"])
    assert match(never_started, {"terminated_for": 0}, NOW) is None


def test_run_id_from_the_name_or_the_annotation():
    by_name = pod(ephemeral=["thread-dump-20261202t020000z", "other"])
    assert "thread-dump-20261202t020000z" in match(by_name, {"run_id": "20261202t020000z"}, NOW)
    by_record = pod(ephemeral=["debugger-3f9a"], annotations={"kubedebug.ephemeral/debugger-3f9a": json.dumps({"run_id": "job-7"})})
    assert "debugger-3f9a" in match(by_record, {"run_id": "job-7"}, NOW)
    assert match(by_record, {"run_id": "job-8"}, NOW) is None


def test_name_prefix():
    assert "debugger-1" in match(pod(ephemeral=["debugger-1", "x"]), {"name_prefix": "debugger-"}, NOW)
    assert match(pod(ephemeral=["x"]), {"name_prefix": "debugger-"}, NOW) is None


@pytest.mark.parametrize("owner,annotations,delete_bare,terminating,action,why", [
    ("ReplicaSet", None, False, False, EVICT, None),
    ("StatefulSet", None, False, False, EVICT, None),
    ("DaemonSet", None, False, False, EVICT, None),
    (None, None, False, False, NONE, "bare pod"),
    (None, None, True, False, DELETE, None),
    ("Job", None, True, False, NONE, "Job pod"),
    ("Node", None, True, False, NONE, "static (mirror) pod"),
    (None, {"kubernetes.io/config.mirror": "x"}, True, False, NONE, "static (mirror) pod"),
    ("MyOperator", None, False, False, NONE, "owned by MyOperator"),
    ("ReplicaSet", None, False, True, NONE, "already terminating"),
])
def test_what_may_be_done(owner, annotations, delete_bare, terminating, action, why):
    got_action, got_why = decide(pod(owner=owner, annotations=annotations, terminating=terminating), delete_bare)
    assert got_action == action and (why is None and got_why is None or why in got_why)


def test_candidates_only_meeting_the_criterion_sorted():
    pods = [pod("b", ephemeral=["x"], owner="ReplicaSet"), pod("a", ephemeral=["x"]), pod("c")]
    found = candidates(pods, {"min_ephemeral_containers": 1}, NOW)
    assert [(c.pod, c.action, c.owner) for c in found] == [("a", NONE, None), ("b", EVICT, {"kind": "ReplicaSet", "name": "o"})]


def test_a_budget_refusal_is_asked_again_until_the_timeout_and_never_forced(monkeypatch):
    budget = api_error(429, "Cannot evict pod as it would violate the pod's disruption budget.", "TooManyRequests")
    recorder = Recorder(budget, budget, {})
    monkeypatch.setattr(_rest, "request_json", recorder)
    assert _evict.evict(None, "shop", "web", "uid-web", "v1", deadline=10, clock=lambda: 0, sleep=lambda s: None) == 3
    assert [c[0] for c in recorder.calls] == ["POST"] * 3
    assert recorder.calls[0][2]["body"]["deleteOptions"] == {"preconditions": {"uid": "uid-web"}}
    refusing = Recorder(budget, budget)
    monkeypatch.setattr(_rest, "request_json", refusing)
    times = iter([0, 11])
    with pytest.raises(KubedebugError, match="a PodDisruptionBudget still refused its eviction after 2 attempt"):
        _evict.evict(None, "shop", "web", "uid-web", "v1", deadline=10, clock=lambda: next(times), sleep=lambda s: None)
    assert [c[0] for c in refusing.calls] == ["POST", "POST"]  # no DELETE instead


def test_a_pod_already_gone_or_replaced_counts_as_evicted(monkeypatch):
    for code in (404, 409):
        monkeypatch.setattr(_rest, "request_json", Recorder(api_error(code, "gone")))
        assert _evict.evict(None, "shop", "web", "uid-web", "v1", deadline=10, clock=lambda: 0, sleep=lambda s: None) == 1


def test_rbac_refusal_names_the_permission(monkeypatch):
    monkeypatch.setattr(_rest, "request_json", Recorder(api_error(403, "forbidden")))
    with pytest.raises(KubedebugError, match="verb 'create' on resource 'pods/eviction'"):
        _evict.evict(None, "shop", "web", "uid-web", "v1", deadline=10, clock=lambda: 0, sleep=lambda s: None)
