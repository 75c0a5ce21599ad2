# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""results_detail: how much of each container's entry a task returns. ephemeral_container and
ephemeral_container_info share the option, the auto rule and what a compact entry leaves out of a status, so that
the two modules' compact entries cannot drift apart. Pure."""

from __future__ import annotations

import typing as t

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._core.option import Option

# auto is full for one named pod (pod), compact for pods chosen by selectors or a whole namespace.
RESULTS_DETAILS: t.Tuple[str, ...] = ("auto", "full", "compact")

# Fleets get small results (AWX keeps every task's result); one named pod gets everything.
RESULTS_DETAIL_OPTION = Option(
    "results_detail", dict(type="str", default="auto", choices=list(RESULTS_DETAILS)),
    unset_means="auto applies (full entries for one named pod, compact ones for a selection)",
)

# What both modules always leave out of a compact entry: the record annotate wrote (the same in every pod of a run).
FULL_ONLY_KEYS: t.Tuple[str, ...] = ("annotation",)
# ... and of the status, the runtime's details (the same image in every pod; ready and restart_count never change for
# an ephemeral container); what a user acts on (state, reason, exit code, times) stays.
FULL_ONLY_STATUS_KEYS: t.Tuple[str, ...] = ("container_id", "image", "image_id", "ready", "restart_count")


def full_results(detail: str, single_pod: bool) -> bool:
    """results_detail: full and compact say it; auto is full for one named pod, compact for a selection."""
    return detail == "full" or (detail == "auto" and single_pod)


def compact(entry: t.Mapping[str, t.Any], left_out: t.Iterable[str] = ()) -> t.Dict[str, t.Any]:
    """The entry without FULL_ONLY_KEYS and ``left_out`` (left out, not set to None, so that a compact entry cannot
    be mistaken for one whose value is unknown), and its ``status`` without FULL_ONLY_STATUS_KEYS."""
    dropped = set(FULL_ONLY_KEYS).union(left_out)
    kept = {key: value for key, value in entry.items() if key not in dropped}
    if kept.get("status"):
        kept["status"] = {key: value for key, value in kept["status"].items() if key not in FULL_ONLY_STATUS_KEYS}
    return kept
