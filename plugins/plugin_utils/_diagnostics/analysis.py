# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What a person looks for first in a diagnostic's log, as numbers the reports can draw.

- Thread dumps (``jstack -l`` / ``jcmd Thread.print -l``, HotSpot's format): Java threads by state, and the top
  stack frames that BLOCKED threads share (where they wait for a monitor).
- Packet captures (``tcpdump -nn`` text): packets, the counts tcpdump prints when it stops, and the top talkers
  (source addresses without ports, and source -> destination pairs).

Pure text in, small dicts out; a log that is not of the recipe's kind gives None (nothing to draw).
"""

from __future__ import annotations

import collections
import re
import typing as t

THREAD_STATES = ("RUNNABLE", "BLOCKED", "WAITING", "TIMED_WAITING", "NEW", "TERMINATED")
TOP = 5

# '"kubedebug-worker-1" #14 prio=5 os_prio=0 cpu=... tid=0x... nid=0x... waiting on condition  [0x...]'
_THREAD_HEADER = re.compile(r'^"(?P<name>(?:[^"\\]|\\.)*)"\s')
_THREAD_STATE = re.compile(r"^\s+java\.lang\.Thread\.State: (?P<state>[A-Z_]+)")
_FRAME = re.compile(r"^\s+at (?P<frame>\S.*)$")
_DUMP_HEADER = re.compile(r"^Full thread dump (?P<vm>.+?):?\s*$")

# '12:00:00.123456 IP 10.0.0.1.443 > 10.0.0.2.5555: Flags [S], ...', with -i any 'eth0  In  IP ...'; 'IP6' for IPv6
# (whose addresses hold colons: the destination ends at the colon before a space). Ports follow the last dot.
_PACKET = re.compile(r"^\d\d:\d\d:\d\d\.\d+\s.*?\b(?P<proto>IP6?) (?P<src>\S+) > (?P<dst>\S+?):(?:\s|$)")
_CAPTURED = re.compile(r"^(?P<n>\d+) packets? captured")
_DROPPED = re.compile(r"^(?P<n>\d+) packets? dropped by kernel")


def _address(endpoint: str, ipv6: bool) -> str:
    """An endpoint without its port: '10.0.0.1.443' -> '10.0.0.1'; 'fe80::1.546' -> 'fe80::1'."""
    parts = endpoint.rsplit(".", 1)
    if len(parts) == 2 and parts[1].isdigit():
        if ipv6 or parts[0].count(".") == 3:
            return parts[0]
    return endpoint


def thread_dump(text: str) -> t.Optional[dict[str, t.Any]]:
    """Threads by state and the frames BLOCKED threads share; None when the text holds no thread dump."""
    if not isinstance(text, str):
        return None
    vm = None
    threads: list[dict[str, t.Any]] = []
    current: t.Optional[dict[str, t.Any]] = None
    for line in text.splitlines():
        header = _DUMP_HEADER.match(line)
        if header and vm is None:
            vm = header.group("vm")
            continue
        start = _THREAD_HEADER.match(line)
        if start:
            current = {"name": start.group("name"), "state": None, "frames": []}
            threads.append(current)
            continue
        if current is None:
            continue
        state = _THREAD_STATE.match(line)
        if state:
            current["state"] = state.group("state")
            continue
        frame = _FRAME.match(line)
        if frame:
            current["frames"].append(frame.group("frame"))
    java = [th for th in threads if th["state"]]
    if vm is None and not java:
        return None
    states = {name: 0 for name in THREAD_STATES}
    for thread in java:
        states[thread["state"]] = states.get(thread["state"], 0) + 1
    blocked = [th for th in java if th["state"] == "BLOCKED"]
    # Each frame counted once per thread: "N BLOCKED threads pass through this frame".
    shared = collections.Counter(frame for th in blocked for frame in dict.fromkeys(th["frames"]))
    return {
        "kind": "thread_dump",
        "vm": vm,
        "threads": len(java),
        "other_threads": len(threads) - len(java),
        "states": states,
        "blocked": len(blocked),
        "blocked_threads": [th["name"] for th in blocked][:20],
        "blocked_top_frames": [[frame, count] for frame, count in _top(shared) if count > 1 or len(blocked) == 1],
    }


def _top(counter: t.Counter[str]) -> list[tuple[str, int]]:
    # Most common first; ties in name order, so the report does not change between identical runs.
    return sorted(counter.items(), key=lambda item: (-item[1], item[0]))[:TOP]


def packet_capture(text: str) -> t.Optional[dict[str, t.Any]]:
    """Packets and top talkers of a tcpdump -nn text capture; None when the text holds no capture."""
    if not isinstance(text, str):
        return None
    packets = 0
    captured = dropped = None
    sources: t.Counter[str] = collections.Counter()
    pairs: t.Counter[str] = collections.Counter()
    for line in text.splitlines():
        match = _PACKET.match(line)
        if match:
            ipv6 = match.group("proto") == "IP6"
            src, dst = _address(match.group("src"), ipv6), _address(match.group("dst"), ipv6)
            packets += 1
            sources[src] += 1
            pairs["{0} > {1}".format(src, dst)] += 1
            continue
        found = _CAPTURED.match(line)
        if found:
            captured = int(found.group("n"))
            continue
        found = _DROPPED.match(line)
        if found:
            dropped = int(found.group("n"))
    if not packets and captured is None:
        return None
    return {
        "kind": "packet_capture",
        "packets": packets,
        "captured": captured,
        "dropped_by_kernel": dropped,
        "top_talkers": [[src, count] for src, count in _top(sources)],
        "top_pairs": [[pair, count] for pair, count in _top(pairs)],
    }


# Recipe -> analyser of its log; custom recipes may name a built-in's analysis by their own name too.
ANALYSERS: dict[str, t.Callable[[str], t.Optional[dict[str, t.Any]]]] = {
    "jvm_thread_dump": thread_dump,
    "network_capture": packet_capture,
}


def analyse(recipe: t.Any, text: t.Any) -> t.Optional[dict[str, t.Any]]:
    """The analysis of one pod's log for its recipe, or None (no analyser, no log, or not that kind of log)."""
    analyser = ANALYSERS.get(str(recipe))
    if analyser is None or not isinstance(text, str) or not text:
        return None
    return analyser(text)
