# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""summary.json and report.md of one diagnostics run, and index.json/index.md across runs.

A re-run with the same run id must change nothing (the containers already exist, their logs are the same), so a
summary whose outcomes equal the previous one for that run id is returned unchanged, wall-clock times included.
When an outcome did change (a container that had timed out has finished since), the new summary replaces it.
"""

from __future__ import annotations

import copy
import json
import typing as t

from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._diagnostics.common import GENERATOR, SCHEMA_VERSION, iso_utc
from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._diagnostics.guard_report import guards_markdown
from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._diagnostics.outcomes import FAILED, OK, OUTCOMES, SKIPPED, TIMED_OUT

STATUS_OK = "ok"
STATUS_PROBLEMS = "completed_with_problems"

_VOLATILE_GROUP_KEYS = ("wall_seconds",)
# Keys outcomes() adds for the collect step only.
_COLLECT_ONLY_POD_KEYS = ("logs", "write_log", "replace_log")


NO_POD_HINT = "check the namespace and the selectors, or set diagnostics_allow_no_pods: true if it may be empty"


def _mark_empty_groups(groups: t.Sequence[dict[str, t.Any]], allowed: bool) -> None:
    """A group that ran and selected no pod: for a scheduled run almost always a renamed label or namespace."""
    for group in groups:
        if group.get("outcome") == "ran" and not group.get("pods") and group.get("matched_in_all_shards"):
            # Other shards have this group's pods: the selectors are fine.
            group["note"] = group.get("note") or "no pod in this shard ({0} in all shards)".format(group["matched_in_all_shards"])
        elif group.get("outcome") == "ran" and not group.get("pods"):
            group["no_pods"] = True
            if not allowed and not group.get("note"):
                group["note"] = "no pod selected; " + NO_POD_HINT


def _totals(groups: t.Sequence[t.Mapping[str, t.Any]], pods: t.Sequence[t.Mapping[str, t.Any]], allow_no_pods: bool = False) -> dict[str, t.Any]:
    totals: dict[str, t.Any] = {name: 0 for name in OUTCOMES}
    for pod in pods:
        totals[pod["outcome"]] += 1
    durations = [p["duration_seconds"] for p in pods if p.get("duration_seconds") is not None]
    totals.update({
        "pods": len(pods),
        "groups": len(groups),
        "group_errors": sum(1 for g in groups if g["outcome"] == "error"),
        "groups_skipped": sum(1 for g in groups if g["outcome"] == SKIPPED),
        "groups_without_pods": sum(1 for g in groups if g.get("no_pods")),
        # Counted as a problem unless diagnostics_allow_no_pods says an empty group is fine.
        "groups_without_pods_problem": 0 if allow_no_pods else sum(1 for g in groups if g.get("no_pods")),
        "container_seconds": round(sum(durations), 3),
        "longest_container_seconds": max(durations) if durations else None,
    })
    return totals


def _problems(totals: t.Mapping[str, t.Any]) -> int:
    """What makes a run's status "completed with problems", counted."""
    keys = (FAILED, TIMED_OUT, "group_errors", "groups_skipped", "groups_without_pods_problem")
    return sum(int(totals.get(key) or 0) for key in keys)


def _message(status: str, totals: t.Mapping[str, t.Any]) -> str:
    parts = ["{0} pod(s): {1} ok, {2} failed, {3} timed out, {4} skipped".format(
        totals["pods"], totals[OK], totals[FAILED], totals[TIMED_OUT], totals[SKIPPED])]
    if totals["group_errors"]:
        parts.append("{0} group(s) failed before any write".format(totals["group_errors"]))
    if totals["groups_skipped"]:
        parts.append("{0} group(s) not run".format(totals["groups_skipped"]))
    if totals.get("groups_without_pods_problem"):
        parts.append("{0} group(s) selected no pod ({1})".format(totals["groups_without_pods_problem"], NO_POD_HINT))
    head = "the run completed" if status == STATUS_OK else "the run completed with problems"
    return "{0}; {1}".format(head, "; ".join(parts))


def _flag(value: t.Any) -> bool:
    """A boolean that may arrive as text from a template."""
    if isinstance(value, str):
        return value.strip().lower() in ("true", "yes", "1")
    return bool(value)


def _trigger(value: t.Any) -> t.Optional[dict[str, t.Any]]:
    """What caused a triggered run (diagnostics_trigger, set by playbooks/capture_on_trigger.yml); None otherwise."""
    return {str(k): v for k, v in value.items()} if isinstance(value, t.Mapping) and value else None


def trigger_line(trigger: t.Any) -> str:
    """One line naming the event that caused a run, for the reports and the index."""
    if not isinstance(trigger, t.Mapping) or not trigger:
        return ""
    where = "{0}/{1}".format(trigger.get("namespace") or "?", trigger.get("pod") or "?")
    text = "{0} of {1}".format(trigger.get("cause") or "event", where)
    if trigger.get("detail"):
        text += ": {0}".format(trigger["detail"])
    extras = [str(trigger[key]) for key in ("source", "at") if trigger.get(key)]
    return text + (" ({0})".format(", ".join(extras)) if extras else "")


def _comparable(summary: t.Mapping[str, t.Any]) -> t.Any:
    groups = [{k: v for k, v in g.items() if k not in _VOLATILE_GROUP_KEYS} for g in summary.get("groups") or []]
    return {"run_id": summary.get("run_id"), "groups": groups, "pods": summary.get("pods"), "settings": summary.get("settings")}


def load_summary(text: t.Any) -> t.Optional[dict[str, t.Any]]:
    """A summary.json written by this role, or None (absent, unreadable, or someone else's file)."""
    if not text or not isinstance(text, str):
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, dict) or data.get("generator") != GENERATOR or not isinstance(data.get("run_id"), str):
        return None
    return data


def summary(data: t.Mapping[str, t.Any], run: t.Mapping[str, t.Any], previous: t.Any = None) -> dict[str, t.Any]:
    """The run's summary. ``data`` comes from outcomes(); ``run`` holds ``run_id``, ``started``/``finished``
    (epoch seconds), ``settings`` (the guards, for the record) and ``timed_out`` (the overall timeout ended the
    run early); ``previous`` is the text of this run id's earlier summary.json, if any."""
    groups = [dict(g) for g in data.get("groups") or []]
    pods = [{k: v for k, v in p.items() if k not in _COLLECT_ONLY_POD_KEYS} for p in data.get("pods") or []]
    allow_no_pods = _flag((run.get("settings") or {}).get("allow_no_pods"))
    _mark_empty_groups(groups, allow_no_pods)
    totals = _totals(groups, pods, allow_no_pods)
    problems = _problems(totals)
    status = STATUS_PROBLEMS if problems else STATUS_OK
    started, finished = run.get("started"), run.get("finished")
    new = {
        "generator": GENERATOR,
        "schema_version": SCHEMA_VERSION,
        "run_id": run["run_id"],
        "status": status,
        "message": _message(status, totals),
        "overall_timeout_reached": _flag(run.get("timed_out")),
        "started_at": iso_utc(started),
        "finished_at": iso_utc(finished),
        "wall_seconds": round(float(finished) - float(started), 1) if started is not None and finished is not None else None,
        "settings": dict(run.get("settings") or {}),
        "trigger": _trigger(run.get("trigger")),
        "totals": totals,
        "groups": groups,
        "pods": pods,
    }
    old = load_summary(previous) if not isinstance(previous, t.Mapping) else dict(previous)
    if old is not None and old.get("run_id") == new["run_id"] and _comparable(old) == _comparable(new):
        return copy.deepcopy(old)
    if old is not None and old.get("run_id") == new["run_id"]:
        # The earlier attempt's start is when this run id began.
        new["started_at"] = old.get("started_at") or new["started_at"]
        new["attempts"] = int(old.get("attempts") or 1) + 1
    return new


def _cell(value: t.Any) -> str:
    if value is None or value == "":
        return "-"
    text = str(value).replace("\r", " ").replace("\n", " ").replace("|", "\\|")
    return text if len(text) <= 300 else text[:297] + "..."


def _seconds(value: t.Any) -> str:
    return "-" if value is None else "{0:g} s".format(value)


_OUTCOME_LABEL = {OK: "ok", FAILED: "**failed**", TIMED_OUT: "**timed out**", SKIPPED: "skipped"}


def report_markdown(data: t.Mapping[str, t.Any]) -> str:
    """The human-readable report.md of one summary."""
    totals = data["totals"]
    lines = [
        "# Diagnostics run {0}".format(data["run_id"]),
        "",
        "**{0}**: {1}.".format("OK" if data["status"] == STATUS_OK else "Completed with problems", data["message"]),
        "",
        "| | |",
        "|---|---|",
        "| started | {0} |".format(_cell(data.get("started_at"))),
        "| finished | {0} |".format(_cell(data.get("finished_at"))),
        "| wall time | {0} |".format(_seconds(data.get("wall_seconds"))),
        "| pods | {0} ({1} ok, {2} failed, {3} timed out, {4} skipped) |".format(
            totals["pods"], totals[OK], totals[FAILED], totals[TIMED_OUT], totals[SKIPPED]),
        "| container time | {0} total, {1} longest |".format(_seconds(totals["container_seconds"]), _seconds(totals["longest_container_seconds"])),
        "| groups | {0} ({1} failed before any write, {2} not run) |".format(totals["groups"], totals["group_errors"], totals["groups_skipped"]),
    ]
    if data.get("trigger"):
        lines.append("| trigger | {0} |".format(_cell(trigger_line(data["trigger"]))))
    if data.get("overall_timeout_reached"):
        lines.append("| overall timeout | reached; later groups were not run |")
    if data.get("attempts"):
        lines.append("| attempts | {0} (this run id ran again and an outcome changed) |".format(data["attempts"]))
    lines += ["", "## Groups", "", "| # | group | recipe | pods | container | selection | result |", "|---|---|---|---|---|---|---|"]
    for group in data.get("groups") or []:
        result = {"ran": "ran", "error": "**error**: ", SKIPPED: "**not run**: "}.get(group["outcome"], group["outcome"])
        if group.get("error"):
            result += group["error"]
        elif group.get("no_pods"):
            result = "**no pod selected**" if group.get("note") else "no pod selected (allowed)"
        elif group.get("note"):
            result += " ({0})".format(group["note"])
        lines.append("| {0} | {1} | {2} | {3} | {4} | {5} | {6} |".format(
            int(group["index"]) + 1, _cell(group["label"]), _cell(group["recipe"]), group["pods"], _cell(group["container"]),
            _cell(group["selection"]), _cell(result)))
    lines += ["", "## Pods", ""]
    pods = data.get("pods") or []
    if not pods:
        lines.append("No pod was selected.")
    else:
        lines += ["| namespace | pod | container | outcome | exit code | duration | detail | log |", "|---|---|---|---|---|---|---|---|"]
        for pod in pods:
            log = "[log]({0})".format(pod["log_file"]) if pod.get("log_file") else _cell(pod.get("log_note"))
            lines.append("| {0} | {1} | {2} | {3} | {4} | {5} | {6} | {7} |".format(
                _cell(pod["namespace"]), _cell(pod["pod"]), _cell(pod["container"]), _OUTCOME_LABEL.get(pod["outcome"], pod["outcome"]),
                _cell(pod.get("exit_code")), _seconds(pod.get("duration_seconds")), _cell(pod.get("reason")), log))
    lines += guards_markdown(data, _cell)
    lines += ["", "Written by {0} (summary.json holds the same data).".format(GENERATOR), ""]
    return "\n".join(lines)


def index(entries: t.Sequence[t.Any]) -> dict[str, t.Any]:
    """index.json across runs from ``[path, text]`` pairs of summary.json files (others' files are ignored),
    newest first."""
    runs = []
    for entry in entries or []:
        text = entry[1] if isinstance(entry, (list, tuple)) and len(entry) > 1 else None
        data = load_summary(text)
        if data is None:
            continue
        runs.append({
            "run_id": data["run_id"],
            "status": data.get("status"),
            "message": data.get("message"),
            "started_at": data.get("started_at"),
            "finished_at": data.get("finished_at"),
            "wall_seconds": data.get("wall_seconds"),
            "totals": data.get("totals"),
            "containers": sorted({g.get("container") for g in data.get("groups") or [] if g.get("container")}),
            "summary": "{0}/summary.json".format(data["run_id"]),
            "report": "{0}/report.md".format(data["run_id"]),
            "report_html": "{0}/report.html".format(data["run_id"]),
            "problems": _problems(data.get("totals") or {}),
            "trigger": data.get("trigger"),
            "blocked_threads": sum(int((p.get("analysis") or {}).get("blocked") or 0) for p in data.get("pods") or [] if isinstance(p, dict)),
        })
    runs.sort(key=lambda r: (r.get("started_at") or "", r["run_id"]), reverse=True)
    return {"generator": GENERATOR, "schema_version": SCHEMA_VERSION, "runs": runs}


def index_markdown(data: t.Mapping[str, t.Any]) -> str:
    lines = ["# Diagnostics runs", "", "Newest first; each run's report.md has the details.", ""]
    runs = data.get("runs") or []
    if not runs:
        lines.append("No runs yet.")
    else:
        lines += ["| run | started | status | pods | ok | failed | timed out | skipped | wall time | report |",
                  "|---|---|---|---|---|---|---|---|---|---|"]
        for run in runs:
            totals = run.get("totals") or {}
            lines.append("| {0} | {1} | {2} | {3} | {4} | {5} | {6} | {7} | {8} | [report]({9}) |".format(
                _cell(run["run_id"]), _cell(run.get("started_at")), "ok" if run.get("status") == STATUS_OK else "**problems**",
                totals.get("pods", "-"), totals.get(OK, "-"), totals.get(FAILED, "-"), totals.get(TIMED_OUT, "-"), totals.get(SKIPPED, "-"),
                _seconds(run.get("wall_seconds")), run["report"]))
    lines += [""]
    return "\n".join(lines)
