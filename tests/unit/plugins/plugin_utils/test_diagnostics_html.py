# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._diagnostics.analysis import packet_capture, thread_dump
from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._diagnostics.html_report import index_html, report_html
from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._diagnostics.report import index, summary

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "diagnostics"
RUN = {"run_id": "20261123t140501z", "started": 1795442701.0, "finished": 1795442743.5, "settings": {}}


def _pod(name, outcome, recipe, analysis=None, reason=None, exit_code=0):
    return {"namespace": "shop", "pod": name, "container": "c-x", "outcome": outcome, "reason": reason, "exit_code": exit_code,
            "started_at": None, "finished_at": None, "duration_seconds": 2.0, "log_file": f"shop/{name}/c-x.log" if outcome != "skipped" else None,
            "log_note": None, "group": 0, "recipe": recipe, "analysis": analysis}


def _summary(run_id="20261123t140501z", started=RUN["started"], extra_pod=None):
    pods = [
        _pod("ledger-0", "ok", "jvm_thread_dump", thread_dump((FIXTURES / "jstack-blocked.txt").read_text())),
        _pod("gateway-0", "ok", "network_capture", packet_capture((FIXTURES / "tcpdump.txt").read_text())),
        _pod("batch-<1>", "failed", "custom", reason="exit code 7 (Error: <script>alert(1)</script>)", exit_code=7),
        _pod("full-0", "skipped", "jvm_thread_dump", reason="it already holds 10 ephemeral containers (max_ephemeral_containers=10)", exit_code=None),
    ] + ([extra_pod] if extra_pod else [])
    group = {"index": 0, "label": "all", "recipe": "mixed", "container": "c-x", "image": "i", "selection": "namespace shop: app=x",
             "target": None, "wait_timeout": 60, "outcome": "ran", "error": None, "note": None, "pods": len(pods), "wall_seconds": 3.0}
    return summary({"groups": [group], "pods": pods}, dict(RUN, run_id=run_id, started=started, finished=started + 40))


class Elements(HTMLParser):
    """Tags, ids and references of a page: what a browser would fetch, and what a person looks for."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def _parse(text: str) -> Elements:
    parser = Elements()
    parser.feed(text)
    return parser


def _self_contained(text: str) -> None:
    tags = _parse(text).tags
    assert not [t for t, a in tags if t in ("script", "link", "img", "iframe", "object", "embed")]
    for _tag, attrs in tags:
        for name in ("src", "href"):
            assert not re.match(r"^(https?:|//)", attrs.get(name) or ""), attrs
    assert "@import" not in text and "url(" not in text


def test_report_html_shows_outcomes_thread_states_talkers_and_skipped_pods() -> None:
    text = report_html(_summary())
    _self_contained(text)
    assert text.startswith("<!DOCTYPE html>") and "<title>Diagnostics run 20261123t140501z</title>" in text
    assert 'id="status"' in text and "Completed with problems" in text
    ids = {a.get("id") for _t, a in _parse(text).tags}
    assert {"pod-table", "thread-dumps", "captures", "capture-table", "skipped", "skipped-table", "group-table"} <= ids
    # Bars per state with their counts, and the frame the BLOCKED threads share.
    rects = {a["data-state"]: int(a["data-count"]) for t, a in _parse(text).tags if t == "rect" and "data-state" in a}
    assert rects == {"RUNNABLE": 2, "BLOCKED": 2, "WAITING": 1, "TIMED_WAITING": 1}
    assert "com.example.Ledger.post(Ledger.java:42)" in text
    assert "10.244.0.7 (2)" in text and "10.244.0.7 &gt; 10.244.0.9" in text
    assert 'href="shop/ledger-0/c-x.log"' in text
    assert "max_ephemeral_containers=10" in text
    # What came from the cluster is escaped.
    assert "<script>" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text and "batch-&lt;1&gt;" in text


def test_an_ok_run_without_analyses_has_no_empty_sections() -> None:
    pods = [_pod("web", "ok", "process_list")]
    group = {"index": 0, "label": "g", "recipe": "process_list", "container": "c-x", "image": "i", "selection": "s", "target": "app",
             "wait_timeout": 60, "outcome": "ran", "error": None, "note": None, "pods": 1, "wall_seconds": 1.0}
    text = report_html(summary({"groups": [group], "pods": pods}, RUN))
    assert "badge ok" in text and 'id="thread-dumps"' not in text and 'id="captures"' not in text and 'id="skipped"' not in text


def test_index_html_lists_every_run_and_charts_problems_and_blocked_threads_over_time() -> None:
    first = _summary("r1", RUN["started"])
    extra = _pod("ledger-1", "ok", "jvm_thread_dump", thread_dump((FIXTURES / "jstack-blocked.txt").read_text()))
    second = _summary("r2", RUN["started"] + 86400, extra_pod=extra)
    data = index([["/a/r1/summary.json", json.dumps(first)], ["/a/r2/summary.json", json.dumps(second)]])
    assert [r["blocked_threads"] for r in data["runs"]] == [4, 2] and [r["problems"] for r in data["runs"]] == [1, 1]
    text = index_html(data)
    _self_contained(text)
    tags = _parse(text).tags
    assert [a["href"] for t, a in tags if t == "a"] == ["r2/report.html", "r1/report.html"]
    bars = [(a["data-run"], a["data-problems"]) for t, a in tags if t == "rect" and "problems-bar" in (a.get("class") or "")]
    assert bars == [("r1", "1"), ("r2", "1")]  # oldest first, left to right
    line = [a for t, a in tags if t == "polyline"][0]
    assert len(line["points"].split()) == 2
    assert "No runs yet." in index_html({"runs": []})
