# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import json

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api.times import parse_time
from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._diagnostics.common import (
    GENERATOR,
    iso_utc,
    seconds_between,
)
from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._diagnostics.report import (
    index,
    index_markdown,
    load_summary,
    report_markdown,
    summary,
)

RUN = {"run_id": "20261123t140501z", "started": 1795442701.0, "finished": 1795442743.5, "settings": {"max_pods": 20}}


def pod(name, outcome, exit_code=None, reason=None, duration=2.0, log=True):
    return {"namespace": "ns", "pod": name, "container": "ps-x", "outcome": outcome, "reason": reason, "exit_code": exit_code,
            "started_at": "2026-11-23T14:05:01Z", "finished_at": "2026-11-23T14:05:03Z", "duration_seconds": duration,
            "log_file": f"ns/{name}/ps-x.log" if log else None, "log_note": None if log else "no log could be read",
            "group": 0, "recipe": "process_list", "logs": "text", "write_log": log, "replace_log": False}


def data(*pods, groups=None):
    return {"groups": groups or [{"index": 0, "label": "web | api", "recipe": "process_list", "container": "ps-x", "image": "busybox",
                                  "selection": "namespace ns: app=web", "target": "app", "wait_timeout": 60, "outcome": "ran",
                                  "error": None, "note": None, "pods": len(pods), "wall_seconds": 3.0}],
            "pods": list(pods)}


def test_summary_totals_status_and_message() -> None:
    result = summary(data(pod("a", "ok"), pod("b", "failed", 7, "exit code 7 (Error)", 1.5), pod("c", "skipped", None, "max", None, False)), RUN)
    assert result["generator"] == GENERATOR and result["run_id"] == "20261123t140501z"
    assert result["status"] == "completed_with_problems"
    assert result["message"] == "the run completed with problems; 3 pod(s): 1 ok, 1 failed, 0 timed out, 1 skipped"
    assert result["totals"] == {"ok": 1, "failed": 1, "timed_out": 0, "skipped": 1, "pods": 3, "groups": 1, "group_errors": 0,
                                "groups_skipped": 0, "groups_without_pods": 0, "groups_without_pods_problem": 0,
                                "container_seconds": 3.5, "longest_container_seconds": 2.0}
    assert result["started_at"] == "2026-11-23T14:05:01Z" and result["wall_seconds"] == 42.5
    assert all("logs" not in p and "write_log" not in p for p in result["pods"])
    assert summary(data(pod("a", "ok")), RUN)["status"] == "ok"


def test_group_errors_and_skipped_groups_are_problems() -> None:
    groups = [{"index": 0, "label": "g", "recipe": "custom", "container": "c", "image": "i", "selection": "s", "target": None,
               "wait_timeout": 1, "outcome": "error", "error": "forbidden", "note": None, "pods": 0, "wall_seconds": 0.2}]
    result = summary(data(groups=groups), dict(RUN, timed_out=True))
    assert result["status"] == "completed_with_problems" and "1 group(s) failed before any write" in result["message"]
    assert result["overall_timeout_reached"] is True
    assert summary(data(), dict(RUN, timed_out="False"))["overall_timeout_reached"] is False
    assert summary(data(), dict(RUN, timed_out="True"))["overall_timeout_reached"] is True
    text = report_markdown(result)
    assert "**error**: forbidden" in text and "No pod was selected." in text and "overall timeout" in text


def test_same_outcomes_keep_the_previous_summary_unchanged() -> None:
    first = summary(data(pod("a", "ok")), RUN)
    later = dict(RUN, started=RUN["started"] + 3600, finished=RUN["finished"] + 3700)
    rerun_data = data(pod("a", "ok"))
    rerun_data["groups"][0]["wall_seconds"] = 9.9  # timings differ, outcomes do not
    assert summary(rerun_data, later, json.dumps(first)) == first
    # An outcome changed: a new summary, counted as another attempt, starting when the run id first ran.
    changed = summary(data(pod("a", "failed", 1, "exit code 1 (Error)")), later, json.dumps(first))
    assert changed["attempts"] == 2 and changed["started_at"] == first["started_at"] and changed["status"] != "ok"
    # Another run id's summary is not "previous".
    other = summary(data(pod("a", "ok")), dict(later, run_id="other"), json.dumps(first))
    assert other["run_id"] == "other" and "attempts" not in other


def test_load_summary_only_accepts_ours() -> None:
    assert load_summary(json.dumps({"generator": GENERATOR, "run_id": "x"})) == {"generator": GENERATOR, "run_id": "x"}
    for text in ("", None, "{", "[]", json.dumps({"run_id": "x"}), json.dumps({"generator": GENERATOR, "run_id": 3})):
        assert load_summary(text) is None


def test_report_markdown_rows_escape_and_links() -> None:
    result = summary(data(pod("a", "ok"), pod("b", "failed", 7, "exit code 7 (Error: a|b\nc)"), pod("c", "skipped", None, "limit", None, False)), RUN)
    text = report_markdown(result)
    assert text.startswith("# Diagnostics run 20261123t140501z\n")
    assert "**Completed with problems**" in text
    assert "| ns | a | ps-x | ok | - | 2 s | - | [log](ns/a/ps-x.log) |" in text
    assert "| ns | b | ps-x | **failed** | 7 | 2 s | exit code 7 (Error: a\\|b c) | [log](ns/b/ps-x.log) |" in text
    assert "| ns | c | ps-x | skipped | - | - | limit | no log could be read |" in text
    assert "| 1 | web \\| api | process_list | 3 | ps-x | namespace ns: app=web | ran |" in text


def test_index_newest_first_and_ignores_foreign_files() -> None:
    one = summary(data(pod("a", "ok")), RUN)
    two = summary(data(pod("a", "failed", 1)), dict(RUN, run_id="20261124t140501z", started=RUN["started"] + 86400, finished=RUN["finished"] + 86400))
    result = index([["/a/20261123t140501z/summary.json", json.dumps(one)], ["/a/20261124t140501z/summary.json", json.dumps(two)],
                    ["/a/x/summary.json", "{}"], ["/a/y/summary.json", "garbage"], "not a pair"])
    assert [r["run_id"] for r in result["runs"]] == ["20261124t140501z", "20261123t140501z"]
    assert result["runs"][0]["report"] == "20261124t140501z/report.md" and result["runs"][0]["containers"] == ["ps-x"]
    text = index_markdown(result)
    assert text.index("20261124t140501z") < text.index("20261123t140501z") and "**problems**" in text
    assert "[report](20261123t140501z/report.md)" in text
    assert "No runs yet." in index_markdown(index([]))


def test_time_helpers() -> None:
    assert seconds_between("2026-11-23T14:05:01Z", "2026-11-23T14:06:02Z") == 61.0
    assert seconds_between(None, "2026-11-23T14:06:02Z") is None and seconds_between("junk", "junk") is None
    assert parse_time("2026-11-23T14:05:01+00:00") == parse_time("2026-11-23T14:05:01Z") == parse_time("2026-11-23T14:05:01")
    assert iso_utc(0) == "1970-01-01T00:00:00Z" and iso_utc(None) is None


def test_a_group_that_selected_no_pod_is_a_problem_unless_allowed() -> None:
    result = summary(data(), RUN)
    assert result["status"] == "completed_with_problems"
    assert result["message"] == (
        "the run completed with problems; 0 pod(s): 0 ok, 0 failed, 0 timed out, 0 skipped; 1 group(s) selected no pod "
        "(check the namespace and the selectors, or set diagnostics_allow_no_pods: true if it may be empty)")
    assert result["groups"][0]["no_pods"] is True and result["groups"][0]["note"].startswith("no pod selected")
    assert "| namespace ns: app=web | **no pod selected** |" in report_markdown(result)
    line = [r for r in index_markdown(index([["/a/x/summary.json", json.dumps(result)]])).splitlines() if "20261123t140501z" in r][0]
    assert "**problems**" in line

    allowed = summary(data(), dict(RUN, settings={"allow_no_pods": "True"}))
    assert allowed["status"] == "ok" and allowed["totals"]["groups_without_pods"] == 1
    assert allowed["message"] == "the run completed; 0 pod(s): 0 ok, 0 failed, 0 timed out, 0 skipped"
    assert "no pod selected (allowed)" in report_markdown(allowed)
