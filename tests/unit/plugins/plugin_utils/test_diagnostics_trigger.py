# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Triggered captures: the per-pod cooldown, the hourly limit across pods, a replayed event, and the trigger in
summary.json, report.md, report.html and the index."""

from __future__ import annotations

import json

import pytest

from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._diagnostics.common import DiagnosticsError
from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._diagnostics.html_report import index_html, report_html
from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._diagnostics.report import index, report_markdown, summary
from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._diagnostics.trigger import gate

NOW = 1_800_000_000.0


def event(pod="api-0", cause="not_ready", occurrence="1", namespace="payments"):
    return {"namespace": namespace, "pod": pod, "cause": cause, "occurrence": occurrence, "detail": "not ready for 30 s",
            "source": "kubedebug.ephemeral.pod_events", "container": "app", "reason": "", "at": "2027-01-15T08:00:00Z", "uid": "u1"}


def run(state, trigger, now, cooldown=600, per_hour=6):
    decision = gate(json.dumps(state) if state is not None else "", trigger, now, cooldown, per_hour, "run-%d" % now)
    return decision, decision["state"]


def test_a_pod_captured_within_the_cooldown_is_not_captured_again():
    first, state = run(None, event(occurrence="1"), NOW)
    assert first["allowed"] and first["reason"] == ""
    assert [c["pod"] for c in state["captures"]] == ["api-0"] and state["captures"][0]["run_id"] == "run-%d" % NOW
    assert set(first["trigger"]) == {"source", "cause", "namespace", "pod", "container", "reason", "detail", "at", "occurrence"}
    second, state = run(state, event(occurrence="2"), NOW + 42)
    assert not second["allowed"]
    assert second["reason"] == ("cooldown: payments/api-0 was captured 42 s ago (run run-{0:.0f}, after not_ready); "
                                "capture_on_trigger_cooldown is 600 s".format(NOW))
    assert [s["reason"][:8] for s in state["suppressed"]] == ["cooldown"] and len(state["captures"]) == 1
    # Another pod is not held by this pod's cooldown; this pod is free again after it.
    assert run(state, event(pod="api-1"), NOW + 50)[0]["allowed"]
    assert run(state, event(occurrence="3"), NOW + 601)[0]["allowed"]


def test_the_hourly_limit_counts_every_pod():
    state = None
    for number in range(3):
        decision, state = run(state, event(pod="api-%d" % number), NOW + number * 100, per_hour=3)
        assert decision["allowed"]
    fourth, state = run(state, event(pod="api-9"), NOW + 1000, per_hour=3)
    assert not fourth["allowed"]
    assert fourth["reason"] == ("hourly limit: 3 capture(s) in the last hour, capture_on_trigger_max_per_hour is 3; "
                                "the next is possible in 2600 s")
    assert run(state, event(pod="api-9", occurrence="2"), NOW + 3601, per_hour=3)[0]["allowed"]


def test_an_event_handed_over_again_is_decided_once_and_the_state_does_not_change():
    first, state = run(None, event(), NOW)
    again, state_again = run(state, event(), NOW + 5)
    assert first["allowed"] and not again["allowed"] and again["reason"].startswith("already handled")
    assert state_again == state


def test_old_captures_are_dropped_and_a_foreign_or_broken_state_file_is_an_empty_state():
    dummy, state = run(None, event(), NOW)
    later, state = run(state, event(pod="api-1"), NOW + 4000)
    assert later["allowed"] and [c["pod"] for c in state["captures"]] == ["api-1"]
    for text in ("{not json", json.dumps({"captures": [{"pod": "x", "epoch": NOW}]}), json.dumps([1])):
        decision = gate(text, event(), NOW, 600, 6)
        assert decision["allowed"] and len(decision["state"]["captures"]) == 1


@pytest.mark.parametrize("trigger, cooldown, per_hour, message", [
    ({"pod": "x"}, 600, 6, "the trigger must name a namespace and a pod"),
    (event(), -1, 6, r"capture_on_trigger_cooldown must be a number, 0 or more \(got -1\)"),
    (event(), 600, 0, r"capture_on_trigger_max_per_hour must be a number, 1 or more \(got 0\)"),
    (event(), "ten", 6, "capture_on_trigger_cooldown must be a number"),
])
def test_bad_input_is_named(trigger, cooldown, per_hour, message):
    with pytest.raises(DiagnosticsError, match=message):
        gate("", trigger, NOW, cooldown, per_hour)


def test_the_reports_and_the_index_name_the_trigger():
    trigger = gate("", event(), NOW, 600, 6)["trigger"]
    data = summary({"groups": [], "pods": []}, {"run_id": "r1", "started": NOW, "finished": NOW + 9, "trigger": trigger})
    assert data["trigger"] == trigger
    line = "not_ready of payments/api-0: not ready for 30 s (kubedebug.ephemeral.pod_events, 2027-01-15T08:00:00Z)"
    assert "| trigger | {0} |".format(line) in report_markdown(data)
    assert "<th>trigger</th><td>{0}</td>".format(line) in report_html(data)
    listed = index([["r1/summary.json", json.dumps(data)]])
    assert listed["runs"][0]["trigger"] == trigger
    assert "trigger: " + line in index_html(listed)
    # A scheduled run has none, and says nothing about it.
    scheduled = summary({"groups": [], "pods": []}, {"run_id": "r2", "started": NOW, "finished": NOW + 9})
    assert scheduled["trigger"] is None and "trigger" not in report_markdown(scheduled)
