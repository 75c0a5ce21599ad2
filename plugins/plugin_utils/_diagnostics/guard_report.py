# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The report.md section "Guards and isolation": what the guards read per pod (headroom, liveness budget), which
were overridden, and what isolation and recycling did per group. Empty when the run used neither."""

from __future__ import annotations

import typing as t

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api.quantity import mib


def _memory(memory: t.Mapping[str, t.Any]) -> str:
    if not memory or memory.get("needed_bytes") is None:
        return "-"
    if memory.get("headroom_bytes") is not None:
        return "{0} headroom ({1}), needs {2}".format(mib(memory["headroom_bytes"]), memory.get("source"), mib(memory["needed_bytes"]))
    if memory.get("source") == "no limit":
        return "no memory limit"
    return "unknown ({0})".format(memory.get("unknown_because") or "no reading")


def _liveness(liveness: t.Mapping[str, t.Any]) -> str:
    if not liveness or liveness.get("pause_seconds") is None:
        return "-"
    if not liveness.get("probe"):
        return "no liveness probe"
    return "budget {0} s, pause {1} s".format(liveness.get("budget_seconds"), liveness.get("pause_seconds"))


def guards_markdown(data: t.Mapping[str, t.Any], cell: t.Callable[[t.Any], str]) -> t.List[str]:
    pods = [p for p in data.get("pods") or [] if p.get("guards")]
    groups = [g for g in data.get("groups") or [] if g.get("isolation") or g.get("recycle")]
    if not pods and not groups:
        return []
    lines = ["", "## Guards and isolation", ""]
    if pods:
        lines += ["| namespace | pod | container | memory | liveness | overridden | outcome |", "|---|---|---|---|---|---|---|"]
        for pod in pods:
            guards = pod["guards"]
            lines.append("| {0} | {1} | {2} | {3} | {4} | {5} | {6} |".format(
                cell(pod["namespace"]), cell(pod["pod"]), cell(guards.get("container")), cell(_memory(guards.get("memory") or {})),
                cell(_liveness(guards.get("liveness") or {})), cell(", ".join(guards.get("overridden") or []) or "-"),
                cell(pod.get("reason") if pod.get("outcome") == "skipped" else pod.get("outcome"))))
    for group in groups:
        isolation = group.get("isolation") or {}
        recycle = group.get("recycle") or {}
        if isolation.get("error"):
            text = "isolation refused or failed: {0}".format(isolation["error"])
        else:
            text = "isolated {0} (removed {1}; out of Services {2}; former owner {3})".format(
                isolation.get("pod"), ", ".join("{0}={1}".format(k, v) for k, v in sorted((isolation.get("labels_removed") or {}).items())) or "-",
                ", ".join(isolation.get("services") or []) or "-",
                "{kind} {name}".format(**isolation["owner"]) if isolation.get("owner") else "-")
        if recycle:
            text += "; recycled: {0}".format(", ".join(recycle.get("recycled") or []) or recycle.get("error") or "nothing")
        lines.append("- group {0}: {1}".format(int(group["index"]) + 1, cell(text)))
    return lines
