# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import json

import pytest

from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._diagnostics.outcomes import LOG_GONE_NOTE, classify, log_gone, outcomes

GONE = ('failed to try resolving symlinks in path "/var/log/pods/ns_web_1234/ps-x/0.log": lstat '
        '/var/log/pods/ns_web_1234/ps-x: no such file or directory')


def entry(pod="web", state="terminated", exit_code=0, logs="out\n", **extra):
    status = None
    if state:
        status = {"state": state, "exit_code": exit_code if state == "terminated" else None, "reason": extra.pop("reason", None),
                  "message": extra.pop("message", None), "signal": extra.pop("signal", None),
                  "started_at": "2026-11-23T14:05:01Z", "finished_at": "2026-11-23T14:05:04Z" if state == "terminated" else None}
    base = {"namespace": "ns", "pod": pod, "container": "ps-x", "skipped": False, "skip_reason": None, "error": None,
            "status": status, "logs": logs}
    base.update(extra)
    return base


@pytest.mark.parametrize("item, outcome, reason", [
    (entry(), "ok", None),
    (entry(exit_code=7, reason="Error"), "failed", "exit code 7 (Error)"),
    (entry(exit_code=137, reason="Error", signal=9), "failed", "exit code 137 (Error, signal 9)"),
    (entry(exit_code=1, reason="Error", message="boom\n"), "failed", "exit code 1 (Error: boom)"),
    (entry(state="running", logs="partial"), "timed_out", "still running after 60 s"),
    (entry(state="waiting", reason="ContainerCreating", logs=None), "timed_out", "still waiting (ContainerCreating) after 60 s"),
    (entry(state="waiting", reason="ErrImageNeverPull", message="image not present", logs=None), "failed",
     "the container cannot start: ErrImageNeverPull: image not present"),
    (entry(state=None, logs=None), "timed_out", "no status from the kubelet after 60 s"),
    (entry(state=None, logs=None, skipped=True, skip_reason="pod phase is Pending, not Running"), "skipped", "pod phase is Pending, not Running"),
    (entry(state=None, logs=None, error="forbidden"), "failed", "could not add the container: forbidden"),
])
def test_classify(item, outcome, reason) -> None:
    result = classify(item, 60)
    assert (result["outcome"], result["reason"]) == (outcome, reason)


def test_classify_times_and_log_file() -> None:
    result = classify(entry())
    assert result["duration_seconds"] == 3.0 and result["exit_code"] == 0
    assert result["log_file"] == "ns/web/ps-x.log" and result["log_note"] is None
    assert classify(entry(skipped=True, state=None))["log_file"] is None
    running = classify(entry(state="running"))
    assert running["exit_code"] is None and running["duration_seconds"] is None


def test_a_log_the_kubelet_no_longer_has_is_no_log() -> None:
    assert log_gone(GONE) and log_gone("unable to retrieve container logs for containerd://abc")
    assert not log_gone("failed to try resolving symlinks\nand more output") and not log_gone(None)
    result = classify(entry(logs=GONE))
    assert result["outcome"] == "ok" and result["log_file"] is None and result["log_note"] == LOG_GONE_NOTE


def record(index, result, **extra):
    base = {"index": index, "label": f"group {index}", "recipe": "process_list", "wait_timeout": 60, "skip_reason": None,
            "started": 100.0, "finished": 104.25,
            "args": {"name": "ps-x", "image": "busybox", "namespace": "ns", "label_selectors": ["app=web"], "target": "app"},
            "result": result}
    base.update(extra)
    return base


def test_outcomes_of_groups_that_ran_failed_or_were_not_run() -> None:
    data = outcomes([
        record(0, {"changed": True, "results": [entry("a"), entry("b", exit_code=2, reason="Error")]}),
        record(1, {"failed": True, "msg": "3 pods match ..., more than max_pods=1. Nothing was written"}),
        record(2, {}, skip_reason="overall timeout (diagnostics_timeout=60 s) reached before this group started"),
        # As registered under failed_when: false - failed is false, msg tells.
        record(3, {"failed": False, "failed_when_result": False, "msg": "timed out waiting", "results": [entry("c", state="running")]}),
        record(4, {"failed": False, "msg": "pods is forbidden: User cannot list resource pods"}),
    ])
    groups = data["groups"]
    assert [g["outcome"] for g in groups] == ["ran", "error", "skipped", "ran", "error"]
    assert groups[0]["pods"] == 2 and groups[0]["wall_seconds"] == 4.2 and groups[0]["selection"] == "namespace ns: app=web"
    assert "max_pods=1" in groups[1]["error"] and groups[2]["error"].startswith("overall timeout")
    assert groups[3]["note"] == "timed out waiting"
    assert [(p["pod"], p["outcome"], p["group"]) for p in data["pods"]] == [("a", "ok", 0), ("b", "failed", 0), ("c", "timed_out", 3)]
    assert data["pods"][0]["logs"] == "out\n" and data["pods"][0]["write_log"] is True and data["pods"][0]["replace_log"] is False


def test_a_rerun_keeps_the_log_collected_before() -> None:
    previous = {"pods": [{"namespace": "ns", "pod": "a", "container": "ps-x", "outcome": "ok", "log_file": "ns/a/ps-x.log", "log_note": None},
                         {"namespace": "ns", "pod": "b", "container": "ps-x", "outcome": "timed_out", "log_file": "ns/b/ps-x.log", "log_note": None},
                         {"namespace": "ns", "pod": "c", "container": "ps-x", "outcome": "timed_out", "log_file": "ns/c/ps-x.log", "log_note": None}]}
    data = outcomes([record(0, {"results": [entry("a", logs=GONE), entry("b"), entry("c", logs=GONE)]})], json.dumps(previous))
    a, b, c = data["pods"]
    # Same outcome, log gone on the node: the earlier log stays, nothing is written.
    assert (a["log_file"], a["log_note"], a["write_log"]) == ("ns/a/ps-x.log", None, False)
    # The outcome changed (it has finished since): the new, complete log replaces the partial one.
    assert (b["log_file"], b["write_log"], b["replace_log"], b["outcome"]) == ("ns/b/ps-x.log", True, True, "ok")
    # Changed, but the log is gone now: keep the earlier one.
    assert (c["log_file"], c["write_log"]) == ("ns/c/ps-x.log", False)


def test_unreadable_previous_summary_is_ignored() -> None:
    data = outcomes([record(0, {"results": [entry("a")]})], "{not json")
    assert data["pods"][0]["write_log"] is True


def test_a_log_that_could_not_be_read_says_why() -> None:
    why = "logs of ns/web container 'ps-x': Forbidden by RBAC: no. The credentials need verb 'get' on resource 'pods/log'"
    pod = classify(entry(logs=None, warnings=["something else", why]))
    assert pod["outcome"] == "ok" and pod["log_file"] is None
    assert pod["log_note"] == "no log could be read: " + why
