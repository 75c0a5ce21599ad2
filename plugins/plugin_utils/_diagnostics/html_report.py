# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""report.html of one run and index.html across runs: self-contained pages (inline CSS and SVG, no script, no
external asset), so they open from a file system, an artifact store or a mail attachment, offline.

Everything comes from summary.json / index.json (what report.py builds); every text from the cluster or the user
is escaped.
"""

from __future__ import annotations

import html
import typing as t

from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._diagnostics.analysis import THREAD_STATES
from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._diagnostics.common import GENERATOR
from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._diagnostics.report import trigger_line

_CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;margin:24px;color:#1b1f24;max-width:1200px}
h1{font-size:22px;margin:0 0 6px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #d0d7de;padding-bottom:4px}
h3{font-size:14px;margin:16px 0 4px}
table{border-collapse:collapse;margin:6px 0 12px}th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f6f8fa}td.num{text-align:right;font-variant-numeric:tabular-nums}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-weight:600;font-size:12px}
.ok{background:#dafbe1;color:#116329}.failed,.problems,.error{background:#ffebe9;color:#a40e26}
.timed_out{background:#fff8c5;color:#7d4e00}.skipped,.not_run{background:#eaeef2;color:#424a53}
.status{font-size:15px;margin:8px 0 16px}.muted{color:#57606a}code{font-size:12px;word-break:break-all}
.jvm{display:inline-block;vertical-align:top;margin:0 24px 12px 0}
svg text{font:12px system-ui,sans-serif;fill:#1b1f24}
"""

_STATE_COLOURS = {
    "RUNNABLE": "#2da44e", "BLOCKED": "#cf222e", "WAITING": "#bf8700", "TIMED_WAITING": "#0969da",
    "NEW": "#8c959f", "TERMINATED": "#8c959f",
}
_OUTCOME_TEXT = {"ok": "ok", "failed": "failed", "timed_out": "timed out", "skipped": "skipped"}


def _e(value: t.Any) -> str:
    return html.escape("-" if value is None or value == "" else str(value), quote=True)


def _seconds(value: t.Any) -> str:
    return "-" if value is None else "{0:g} s".format(value)


def _badge(css: str, text: str) -> str:
    return '<span class="badge {0}">{1}</span>'.format(_e(css), _e(text))


def _page(title: str, body: t.Sequence[str]) -> str:
    return "\n".join([
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>{0}</title>".format(_e(title)),
        "<style>{0}</style></head><body>".format(_CSS.strip()),
        *body,
        '<p class="muted">Written by {0}; the same data is in JSON beside this page.</p>'.format(_e(GENERATOR)),
        "</body></html>",
        "",
    ])


def _table(headers: t.Sequence[str], rows: t.Sequence[t.Sequence[str]], table_id: str) -> str:
    """Rows hold ready HTML (escape before)."""
    head = "".join("<th>{0}</th>".format(_e(h)) for h in headers)
    body = "".join("<tr>{0}</tr>".format("".join(rows_cell for rows_cell in row)) for row in rows)
    return '<table id="{0}"><thead><tr>{1}</tr></thead><tbody>{2}</tbody></table>'.format(_e(table_id), head, body)


def _td(value: t.Any, numeric: bool = False, raw: bool = False) -> str:
    return '<td{0}>{1}</td>'.format(' class="num"' if numeric else "", value if raw else _e(value))


def state_bars(states: t.Mapping[str, int], title: str) -> str:
    """Horizontal bars of thread counts by state, as inline SVG."""
    shown = [s for s in THREAD_STATES if s in ("RUNNABLE", "BLOCKED", "WAITING", "TIMED_WAITING") or states.get(s)]
    biggest = max([int(states.get(s) or 0) for s in shown] + [1])
    row, label_w, bar_w = 22, 118, 240
    parts = ['<svg xmlns="http://www.w3.org/2000/svg" role="img" class="state-bars" width="{0}" height="{1}" '
             'aria-label="{2}">'.format(label_w + bar_w + 40, row * len(shown) + 4, _e(title))]
    for index, state in enumerate(shown):
        count = int(states.get(state) or 0)
        y = index * row + 2
        width = round(bar_w * count / biggest) if count else 0
        parts.append('<text x="0" y="{0}">{1}</text>'.format(y + 14, _e(state)))
        parts.append('<rect x="{0}" y="{1}" width="{2}" height="16" fill="{3}" data-state="{4}" data-count="{5}"/>'.format(
            label_w, y, width, _STATE_COLOURS[state], _e(state), count))
        parts.append('<text x="{0}" y="{1}">{2}</text>'.format(label_w + width + 6, y + 14, count))
    parts.append("</svg>")
    return "".join(parts)


def _outcome_cell(outcome: str) -> str:
    return _td(_badge(outcome, _OUTCOME_TEXT.get(outcome, outcome)), raw=True)


def _log_cell(pod: t.Mapping[str, t.Any]) -> str:
    if pod.get("log_file"):
        return _td('<a href="{0}">log</a>'.format(_e(pod["log_file"])), raw=True)
    return _td(pod.get("log_note"))


def _facts(data: t.Mapping[str, t.Any]) -> list[str]:
    totals = data.get("totals") or {}
    rows = [
        ("started", data.get("started_at")), ("finished", data.get("finished_at")), ("wall time", _seconds(data.get("wall_seconds"))),
        ("pods", "{0} ({1} ok, {2} failed, {3} timed out, {4} skipped)".format(
            totals.get("pods", 0), totals.get("ok", 0), totals.get("failed", 0), totals.get("timed_out", 0), totals.get("skipped", 0))),
        ("container time", "{0} total, {1} longest".format(_seconds(totals.get("container_seconds")), _seconds(totals.get("longest_container_seconds")))),
        ("groups", "{0} ({1} failed before any write, {2} not run, {3} without pods)".format(
            totals.get("groups", 0), totals.get("group_errors", 0), totals.get("groups_skipped", 0), totals.get("groups_without_pods", 0))),
    ]
    if data.get("attempts"):
        rows.append(("attempts", data["attempts"]))
    if data.get("trigger"):
        rows.append(("trigger", trigger_line(data["trigger"])))
    return ['<table id="facts"><tbody>'] + ["<tr><th>{0}</th><td>{1}</td></tr>".format(_e(k), _e(v)) for k, v in rows] + ["</tbody></table>"]


def _group_result(group: t.Mapping[str, t.Any]) -> str:
    if group.get("outcome") == "error":
        return _badge("error", "error") + " " + _e(group.get("error"))
    if group.get("outcome") == "skipped":
        return _badge("not_run", "not run") + " " + _e(group.get("error"))
    if group.get("no_pods"):
        return _badge("problems", "no pod selected") + " " + _e(group.get("note")) if group.get("note") else "no pod selected (allowed)"
    return "ran" + (" - " + _e(group["note"]) if group.get("note") else "")


def _thread_dumps(pods: t.Sequence[t.Mapping[str, t.Any]]) -> list[str]:
    dumps = [p for p in pods if (p.get("analysis") or {}).get("kind") == "thread_dump"]
    if not dumps:
        return []
    out = ['<h2 id="thread-dumps">Thread dumps</h2>',
           '<p class="muted">Java threads by state in each JVM; frames shared by BLOCKED threads show where they wait.</p>']
    for pod in dumps:
        info = pod["analysis"]
        title = "{0}/{1}".format(pod.get("namespace"), pod.get("pod"))
        out.append('<div class="jvm" data-pod="{0}"><h3>{0}</h3>'.format(_e(title)))
        out.append('<p class="muted">{0} threads, {1} BLOCKED{2}</p>'.format(
            info.get("threads", 0), info.get("blocked", 0), (" - " + _e(info["vm"])) if info.get("vm") else ""))
        out.append(state_bars(info.get("states") or {}, "threads by state in " + title))
        frames = info.get("blocked_top_frames") or []
        if frames:
            rows = [[_td(count, numeric=True), _td("<code>{0}</code>".format(_e(frame)), raw=True)] for frame, count in frames]
            out.append(_table(["BLOCKED threads", "frame"], rows, "blocked-frames-" + str(pod.get("pod"))))
        elif info.get("blocked"):
            out.append('<p class="muted">The BLOCKED threads share no frame.</p>')
        out.append("</div>")
    return out


def _captures(pods: t.Sequence[t.Mapping[str, t.Any]]) -> list[str]:
    captures = [p for p in pods if (p.get("analysis") or {}).get("kind") == "packet_capture"]
    if not captures:
        return []
    out = ['<h2 id="captures">Packet captures</h2>']
    rows = []
    for pod in captures:
        info = pod["analysis"]
        talkers = ", ".join("{0} ({1})".format(src, count) for src, count in info.get("top_talkers") or []) or "-"
        rows.append([_td("{0}/{1}".format(pod.get("namespace"), pod.get("pod"))), _td(info.get("packets"), numeric=True),
                     _td(info.get("captured"), numeric=True), _td(info.get("dropped_by_kernel"), numeric=True), _td(talkers)])
    out.append(_table(["pod", "packets in log", "captured (tcpdump)", "dropped by kernel", "top talkers (source, packets)"], rows, "capture-table"))
    for pod in captures:
        pairs = (pod["analysis"].get("top_pairs") or [])
        if pairs:
            out.append("<h3>{0}/{1}: top conversations</h3>".format(_e(pod.get("namespace")), _e(pod.get("pod"))))
            out.append(_table(["source > destination", "packets"], [[_td(pair), _td(count, numeric=True)] for pair, count in pairs],
                              "pairs-" + str(pod.get("pod"))))
    return out


def report_html(data: t.Mapping[str, t.Any]) -> str:
    """The self-contained report.html of one summary."""
    ok = data.get("status") == "ok"
    pods = data.get("pods") or []
    body = [
        "<h1>Diagnostics run {0}</h1>".format(_e(data.get("run_id"))),
        '<p class="status" id="status">{0} {1}</p>'.format(
            _badge("ok" if ok else "problems", "OK" if ok else "Completed with problems"), _e(data.get("message"))),
    ]
    body += _facts(data)
    body.append('<h2 id="groups">Groups</h2>')
    body.append(_table(["#", "group", "recipe", "pods", "container", "selection", "result"], [
        [_td(int(g.get("index") or 0) + 1, numeric=True), _td(g.get("label")), _td(g.get("recipe")), _td(g.get("pods"), numeric=True),
         _td(g.get("container")), _td(g.get("selection")), _td(_group_result(g), raw=True)] for g in data.get("groups") or []], "group-table"))
    body.append('<h2 id="pods">Pods</h2>')
    ran = [p for p in pods if p.get("outcome") != "skipped"]
    if ran:
        body.append(_table(["namespace", "pod", "container", "outcome", "exit code", "duration", "detail", "log"], [
            [_td(p.get("namespace")), _td(p.get("pod")), _td(p.get("container")), _outcome_cell(str(p.get("outcome"))),
             _td(p.get("exit_code"), numeric=True), _td(_seconds(p.get("duration_seconds")), numeric=True), _td(p.get("reason")), _log_cell(p)]
            for p in ran], "pod-table"))
    else:
        body.append('<p id="no-pods">No pod ran a diagnostic.</p>')
    body += _thread_dumps(ran)
    body += _captures(ran)
    skipped = [p for p in pods if p.get("outcome") == "skipped"]
    if skipped:
        body.append('<h2 id="skipped">Skipped pods</h2>')
        body.append(_table(["namespace", "pod", "why"], [[_td(p.get("namespace")), _td(p.get("pod")), _td(p.get("reason"))] for p in skipped],
                           "skipped-table"))
    return _page("Diagnostics run {0}".format(data.get("run_id")), body)


def runs_chart(runs: t.Sequence[t.Mapping[str, t.Any]]) -> str:
    """Problems (bars) and BLOCKED threads (line) per run, oldest to newest, as inline SVG."""
    ordered = list(reversed(runs))[-60:]
    width, height, left, bottom, top = 760, 220, 40, 40, 16
    plot_w, plot_h = width - left - 16, height - bottom - top
    biggest = max([int(r.get("problems") or 0) for r in ordered] + [int(r.get("blocked_threads") or 0) for r in ordered] + [1])
    step = plot_w / max(len(ordered), 1)
    parts = ['<svg xmlns="http://www.w3.org/2000/svg" role="img" id="runs-chart" width="{0}" height="{1}" '
             'aria-label="problems and BLOCKED threads per run">'.format(width, height)]
    parts.append('<line x1="{0}" y1="{1}" x2="{2}" y2="{1}" stroke="#8c959f"/>'.format(left, top + plot_h, left + plot_w))
    parts.append('<text x="0" y="{0}">{1}</text><text x="0" y="{2}">0</text>'.format(top + 10, biggest, top + plot_h))
    points = []
    for index, run in enumerate(ordered):
        x = left + index * step
        problems = int(run.get("problems") or 0)
        bar_h = plot_h * problems / biggest
        parts.append('<rect class="problems-bar" x="{0:.1f}" y="{1:.1f}" width="{2:.1f}" height="{3:.1f}" fill="#cf222e" '
                     'data-run="{4}" data-problems="{5}"><title>{4}: {5} problem(s)</title></rect>'.format(
                         x + step * 0.2, top + plot_h - bar_h, step * 0.6, bar_h, _e(run.get("run_id")), problems))
        blocked = int(run.get("blocked_threads") or 0)
        points.append("{0:.1f},{1:.1f}".format(x + step / 2, top + plot_h - plot_h * blocked / biggest))
        if len(ordered) <= 12 or index in (0, len(ordered) - 1):
            parts.append('<text x="{0:.1f}" y="{1}" text-anchor="middle">{2}</text>'.format(
                x + step / 2, top + plot_h + 16, _e(str(run.get("run_id"))[:16])))
    if points:
        parts.append('<polyline class="blocked-line" points="{0}" fill="none" stroke="#0969da" stroke-width="2"/>'.format(" ".join(points)))
    parts.append('<text x="{0}" y="{1}">bars: problems per run (failed, timed out, groups not run or without pods); '
                 'line: BLOCKED threads</text>'.format(left, height - 4))
    parts.append("</svg>")
    return "".join(parts)


def index_html(data: t.Mapping[str, t.Any]) -> str:
    """index.html across runs: one line per run (newest first) and the chart over time."""
    runs = data.get("runs") or []
    body = ["<h1>Diagnostics runs</h1>", '<p class="muted">Newest first; each run links to its report.</p>']
    if not runs:
        body.append('<p id="no-runs">No runs yet.</p>')
        return _page("Diagnostics runs", body)
    body.append(runs_chart(runs))
    rows = []
    for run in runs:
        totals = run.get("totals") or {}
        ok = run.get("status") == "ok"
        link = '<a href="{0}">{1}</a>'.format(_e(run.get("report_html") or run.get("report")), _e(run.get("run_id")))
        rows.append([_td(link, raw=True), _td(run.get("started_at")), _td(_badge("ok" if ok else "problems", "ok" if ok else "problems"), raw=True),
                     _td(totals.get("pods"), numeric=True), _td(totals.get("ok"), numeric=True), _td(totals.get("failed"), numeric=True),
                     _td(totals.get("timed_out"), numeric=True), _td(totals.get("skipped"), numeric=True),
                     _td(run.get("blocked_threads"), numeric=True), _td(_seconds(run.get("wall_seconds")), numeric=True),
                     _td((run.get("message") or "") + ("; trigger: " + trigger_line(run["trigger"]) if run.get("trigger") else ""))])
    body.append(_table(["run", "started", "status", "pods", "ok", "failed", "timed out", "skipped", "BLOCKED threads", "wall time", "message"],
                       rows, "run-table"))
    return _page("Diagnostics runs", body)
