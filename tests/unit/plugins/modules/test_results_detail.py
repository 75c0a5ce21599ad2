# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""results_detail: full entries for one named pod, compact ones (no spec, no annotation) for selections, unless the
task says otherwise."""

from __future__ import annotations

import json

import pytest

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._spec.detail import full_results
from ansible_collections.kubedebug.ephemeral.plugins.modules.ephemeral_container import main
from ansible_collections.kubedebug.ephemeral.tests.unit.plugins.modules.fake_apiserver import FakeApiServer, make_pod, run_module

BASE = {"namespace": "shop", "image": "busybox:1.36", "command": ["ps"], "target": "app", "run_id": "r1",
        "annotate": True, "wait": True, "wait_for": "terminated", "logs": True}
NAMED = dict(BASE, pod="a")
SELECTED = dict(BASE, label_selectors=["app=web"])
COMPACT_KEYS = {"namespace", "pod", "container", "changed", "created", "skipped", "skip_reason", "guards", "status",
                "logs", "logs_truncated", "attach_command", "error", "warnings", "profile"}
COMPACT_STATUS_KEYS = {"state", "reason", "message", "exit_code", "signal", "started_at", "finished_at"}
FULL_STATUS_KEYS = COMPACT_STATUS_KEYS | {"container_id", "image", "image_id", "ready", "restart_count"}


def fleet(*names: str) -> FakeApiServer:
    server = FakeApiServer()
    for name in names:
        server.add(make_pod(name))
    return server


@pytest.mark.parametrize("detail,single,full", [
    ("auto", True, True), ("auto", False, False),
    ("full", True, True), ("full", False, True),
    ("compact", True, False), ("compact", False, False),
])
def test_full_results_by_detail_and_selection(detail, single, full):
    assert full_results(detail, single) is full


def test_a_named_pod_gets_the_full_entry_by_default():
    result = run_module(main, fleet("a"), NAMED)
    assert not result["failed"], result.get("msg")
    (entry,) = result["results"]
    assert set(entry) == COMPACT_KEYS | {"spec", "annotation"} and set(entry["status"]) == FULL_STATUS_KEYS
    assert entry["spec"]["name"] == entry["container"] and entry["annotation"]["run_id"] == "r1"


@pytest.mark.parametrize("names", [("a", "b", "c"), ("a",)])
def test_selectors_get_compact_entries_by_default_even_for_one_match(names):
    server = fleet(*names)
    result = run_module(main, server, SELECTED)
    assert not result["failed"], result.get("msg")
    assert [entry["pod"] for entry in result["results"]] == list(names)
    for entry in result["results"]:
        assert set(entry) == COMPACT_KEYS, sorted(set(entry) ^ COMPACT_KEYS)
        assert set(entry["status"]) == COMPACT_STATUS_KEYS, sorted(entry["status"])
        # What a user acts on is all there.
        assert entry["created"] and entry["changed"] and not entry["skipped"] and entry["error"] is None
        assert entry["status"]["state"] == "terminated" and entry["logs"] == "thread dump\n"
        assert entry["attach_command"] == "kubectl attach -n shop {0} -c {1}".format(entry["pod"], entry["container"])
    # Compact changes only what is returned: every pod got its container and its record.
    for name, entry in zip(names, result["results"]):
        stored = server.pods[("shop", name)]
        assert [c["name"] for c in stored["spec"]["ephemeralContainers"]] == [entry["container"]]
        assert "kubedebug.ephemeral/" + entry["container"] in stored["metadata"]["annotations"]


def test_full_for_a_selection_and_compact_for_a_named_pod_when_asked():
    wide = run_module(main, fleet("a", "b"), dict(SELECTED, results_detail="full"))
    assert all(set(entry) == COMPACT_KEYS | {"spec", "annotation"} for entry in wide["results"])
    assert all(set(entry["status"]) == FULL_STATUS_KEYS for entry in wide["results"])
    narrow = run_module(main, fleet("a"), dict(NAMED, results_detail="compact"))
    assert set(narrow["results"][0]) == COMPACT_KEYS


def test_compact_leaves_out_the_bytes_of_spec_and_annotation():
    server = fleet("a", "b")
    full = run_module(main, server, dict(SELECTED, results_detail="full"))
    compact = run_module(main, server, SELECTED)
    assert compact["changed"] is False and full["changed"] is True
    for big, small in zip(full["results"], compact["results"]):
        saved = len(json.dumps(big)) - len(json.dumps(small))
        # The two keys and the status details, minus the changed/created flags (True -> False) of the re-run.
        details = {k: big["status"][k] for k in FULL_STATUS_KEYS - COMPACT_STATUS_KEYS}
        assert saved >= len(json.dumps({"spec": big["spec"], "annotation": big["annotation"], **details})) - 10


def test_compact_in_check_mode_and_on_a_second_run():
    server = fleet("a", "b")
    check = run_module(main, server, SELECTED, check_mode=True)
    assert check["changed"] is True and server.stored_writes == 0
    assert all(set(entry) == COMPACT_KEYS for entry in check["results"])
    run_module(main, server, SELECTED)
    writes = len(server.patches())
    again = run_module(main, server, SELECTED)
    assert again["changed"] is False and len(server.patches()) == writes
    assert all(set(entry) == COMPACT_KEYS and not entry["changed"] for entry in again["results"])


def test_an_unknown_detail_fails_before_any_request():
    server = fleet("a")
    result = run_module(main, server, dict(SELECTED, results_detail="wide"))
    assert result["failed"] and "results_detail" in result["msg"] and "auto, full, compact" in result["msg"]
    assert server.requests == []


def test_timings_name_every_phase_in_seconds():
    result = run_module(main, fleet("a", "b"), SELECTED)
    assert list(result["timings"]) == ["list", "plan", "write", "wait", "logs"]
    assert all(isinstance(seconds, float) and seconds >= 0 for seconds in result["timings"].values())
