# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Captures triggered by events (playbooks/capture_on_trigger.yml): whether this trigger may capture now, given a
per-pod cooldown and a limit of captures per hour across all pods, and the record the run's report keeps of it.

The state is a small JSON file on the controller (next to the artifacts), read and rewritten by each triggered run,
so the limits hold across ansible-rulebook restarts and for every source of triggers alike.
"""

from __future__ import annotations

import json
import typing as t

from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._diagnostics.common import GENERATOR, DiagnosticsError, iso_utc

HOUR = 3600.0
KEEP_SUPPRESSED = 50  # the newest suppressed triggers kept in the state file, for whoever wonders why nothing ran
RECORD_KEYS = ("source", "cause", "namespace", "pod", "container", "reason", "detail", "at", "occurrence")


def record(trigger: t.Any) -> t.Dict[str, t.Any]:
    """The trigger as the report keeps it (the event's ``kubedebug`` dict; ``namespace`` and ``pod`` required)."""
    if not isinstance(trigger, t.Mapping) or not trigger.get("namespace") or not trigger.get("pod"):
        raise DiagnosticsError(
            "the trigger must name a namespace and a pod (the event's kubedebug dict, as the collection's event sources "
            "send it); got {0!r}".format(trigger)[:600])
    return {key: str(trigger.get(key) or "") for key in RECORD_KEYS}


def _number(value: t.Any, name: str, minimum: float) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = float("nan")
    if isinstance(value, bool) or not number >= minimum:
        raise DiagnosticsError("{0} must be a number, {1:g} or more (got {2!r})".format(name, minimum, value))
    return number


def _identity(entry: t.Mapping[str, t.Any]) -> t.Tuple[str, ...]:
    return tuple(str(entry.get(key) or "") for key in ("namespace", "pod", "cause", "occurrence"))


def load_state(text: t.Any) -> t.Dict[str, t.Any]:
    """The state file's content; an absent or unreadable file is an empty state."""
    try:
        data = json.loads(text) if isinstance(text, str) and text.strip() else {}
    except ValueError:
        data = {}
    if not isinstance(data, dict) or data.get("generator") != GENERATOR:
        data = {}
    captures = [c for c in data.get("captures") or [] if isinstance(c, dict) and isinstance(c.get("epoch"), (int, float))]
    suppressed = [s for s in data.get("suppressed") or [] if isinstance(s, dict)]
    return {"generator": GENERATOR, "captures": captures, "suppressed": suppressed}


def gate(state_text: t.Any, trigger: t.Any, now: t.Any, cooldown: t.Any, max_per_hour: t.Any, run_id: str = "") -> t.Dict[str, t.Any]:
    """``{allowed, reason, trigger, state}``: ``reason`` says why not ("" when allowed); ``state`` is the file's new
    content, with this capture counted, or this trigger among the suppressed ones."""
    trig = record(trigger)
    now = _number(now, "now", 0)
    cooldown = _number(cooldown, "capture_on_trigger_cooldown", 0)
    limit = _number(max_per_hour, "capture_on_trigger_max_per_hour", 1)
    state = load_state(state_text)
    # Captures older than both windows can never matter again.
    keep_after = now - max(HOUR, cooldown)
    captures = [c for c in state["captures"] if c["epoch"] > keep_after]
    same_pod = [c for c in captures if (c.get("namespace"), c.get("pod")) == (trig["namespace"], trig["pod"])]
    last_hour = sorted(c["epoch"] for c in captures if c["epoch"] > now - HOUR)
    identity = _identity(trig)
    reason = ""
    if any(_identity(entry) == identity for entry in captures + state["suppressed"]):
        # The same event handed over again (a replayed job): decided before, nothing to record.
        return {"allowed": False, "reason": "already handled: this event was decided on before", "trigger": trig,
                "state": {"generator": GENERATOR, "captures": state["captures"], "suppressed": state["suppressed"]}}
    if same_pod and now - max(c["epoch"] for c in same_pod) < cooldown:
        last = max(same_pod, key=lambda c: c["epoch"])
        reason = "cooldown: {0}/{1} was captured {2:.0f} s ago (run {3}, after {4}); capture_on_trigger_cooldown is {5:g} s".format(
            trig["namespace"], trig["pod"], now - last["epoch"], last.get("run_id") or "?", last.get("cause") or "?", cooldown)
    elif len(last_hour) >= limit:
        reason = "hourly limit: {0} capture(s) in the last hour, capture_on_trigger_max_per_hour is {1:g}; the next is possible in {2:.0f} s".format(
            len(last_hour), limit, last_hour[-int(limit)] + HOUR - now)
    entry = {"namespace": trig["namespace"], "pod": trig["pod"], "cause": trig["cause"], "occurrence": trig["occurrence"],
             "detail": trig["detail"], "epoch": now, "at": iso_utc(now)}
    if reason:
        suppressed = (state["suppressed"] + [dict(entry, reason=reason)])[-KEEP_SUPPRESSED:]
    else:
        captures.append(dict(entry, run_id=run_id))
        suppressed = state["suppressed"]
    return {"allowed": not reason, "reason": reason, "trigger": trig,
            "state": {"generator": GENERATOR, "captures": captures, "suppressed": suppressed}}
