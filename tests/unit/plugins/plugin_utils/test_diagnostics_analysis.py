# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

from pathlib import Path

from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._diagnostics.analysis import analyse, packet_capture, thread_dump
from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._diagnostics.outcomes import outcomes

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "diagnostics"
JSTACK = (FIXTURES / "jstack-blocked.txt").read_text()
TCPDUMP = (FIXTURES / "tcpdump.txt").read_text()


def test_thread_dump_counts_java_threads_by_state_and_the_frames_blocked_threads_share() -> None:
    result = thread_dump(JSTACK)
    assert result is not None
    assert result["vm"].startswith("OpenJDK 64-Bit Server VM (17.0.13")
    # VM Thread and GC Thread#0 have no Java state: counted apart, not as RUNNABLE.
    assert (result["threads"], result["other_threads"]) == (6, 2)
    assert result["states"] == {"RUNNABLE": 2, "BLOCKED": 2, "WAITING": 1, "TIMED_WAITING": 1, "NEW": 0, "TERMINATED": 0}
    assert result["blocked_threads"] == ["kubedebug-worker-1", "kubedebug-worker-2"]
    assert result["blocked_top_frames"][0] == ["com.example.Ledger.post(Ledger.java:42)", 2]
    # The lock holder's frames (worker-3, TIMED_WAITING) are not counted.
    assert all(count == 2 for _frame, count in result["blocked_top_frames"])


def test_a_jcmd_dump_and_a_dump_without_blocked_threads() -> None:
    text = "1:\n" + JSTACK.replace("BLOCKED (on object monitor)", "RUNNABLE")
    result = thread_dump(text)
    assert result["blocked"] == 0 and result["blocked_top_frames"] == [] and result["states"]["RUNNABLE"] == 4


def test_text_that_is_no_thread_dump() -> None:
    assert thread_dump("kubedebug: no process named java is visible\n") is None
    assert thread_dump(None) is None  # type: ignore[arg-type]


def test_packet_capture_counts_packets_and_top_talkers_without_ports() -> None:
    result = packet_capture(TCPDUMP)
    assert (result["packets"], result["captured"], result["dropped_by_kernel"]) == (6, 6, 1)
    assert result["top_talkers"][0] == ["10.244.0.7", 2]
    assert ["fe80::1", 1] in result["top_talkers"] and ["127.0.0.1", 1] in result["top_talkers"]
    assert result["top_pairs"][0] == ["10.244.0.7 > 10.244.0.9", 2]
    assert ["fe80::1 > ff02::1:2", 1] in result["top_pairs"]


def test_a_capture_that_saw_nothing_still_reports_its_counts() -> None:
    result = packet_capture("listening on any\n\n0 packets captured\n0 packets received by filter\n0 packets dropped by kernel\n")
    assert (result["packets"], result["captured"], result["top_talkers"]) == (0, 0, [])
    assert packet_capture("sh: tcpdump: not found\n") is None


def test_analyse_by_recipe_and_the_summary_keeps_it_for_a_rerun_without_logs() -> None:
    assert analyse("jvm_thread_dump", JSTACK)["blocked"] == 2
    assert analyse("network_capture", TCPDUMP)["packets"] == 6
    assert analyse("process_list", "PID\n") is None and analyse("jvm_thread_dump", "") is None
    entry = {"namespace": "n", "pod": "p", "container": "thread-dump-r1", "status": {"state": "terminated", "exit_code": 0}, "logs": JSTACK}
    record = {"index": 0, "label": "g", "recipe": "jvm_thread_dump", "args": {"name": "thread-dump-r1"}, "result": {"results": [entry]}}
    first = outcomes([record])["pods"][0]
    assert first["analysis"]["blocked"] == 2
    # The kubelet removed the log since: the re-run keeps the log file and the analysis of the first run.
    previous = {"pods": [{k: v for k, v in first.items() if k != "logs"}]}
    gone = dict(record, result={"results": [dict(entry, logs=None)]})
    again = outcomes([gone], previous)["pods"][0]
    assert again["analysis"] == first["analysis"] and again["log_file"] == first["log_file"] and not again["write_log"]
