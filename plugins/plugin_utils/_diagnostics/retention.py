# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Which artifact runs to remove so that only the newest N remain.

Only directories the role made are candidates: ``<artifacts>/<run-id>/`` whose ``summary.json`` carries the
role's generator marker and names that same run id. Anything else in the artifacts directory (a user's notes, a
run whose summary is missing or corrupt) is never touched. The current run is always kept.

The shards of one run (``<run id>-shard-<i>-of-<n>``, written by several slices side by side) count as one run:
they are kept or removed together, so one slice never removes a sibling's files.
"""

from __future__ import annotations

import posixpath
import re
import typing as t

from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._diagnostics.common import DiagnosticsError
from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._diagnostics.report import load_summary


def runs_to_remove(entries: t.Sequence[t.Any], artifacts_dir: str, keep: t.Any, current_run_id: str) -> list[str]:
    """Run directories to delete, oldest first.

    ``entries`` are ``[path of a summary.json, its text]`` pairs; ``keep`` is how many runs to keep (0 or less
    keeps everything)."""
    try:
        keep_n = int(keep)
    except (TypeError, ValueError) as exc:
        raise DiagnosticsError("diagnostics_keep_runs must be a number, not {0!r}".format(keep)) from exc
    if keep_n <= 0:
        return []
    root = posixpath.normpath(str(artifacts_dir))
    runs = []
    for entry in entries or []:
        if not isinstance(entry, (list, tuple)) or len(entry) < 2:
            continue
        path = posixpath.normpath(str(entry[0]))
        run_dir = posixpath.dirname(path)
        if posixpath.basename(path) != "summary.json" or posixpath.dirname(run_dir) != root:
            continue
        data = load_summary(entry[1])
        if data is None or data["run_id"] != posixpath.basename(run_dir):
            continue
        runs.append((data.get("started_at") or "", data["run_id"], run_dir))
    newest: dict[str, str] = {}
    for started_at, run_id, _run_dir in runs:
        group = run_of(run_id)
        newest[group] = max(newest.get(group, ""), started_at)
    current = run_of(current_run_id)
    # The current run always stays and counts towards N; then the newest others.
    others = sorted((g for g in newest if g != current), key=lambda g: (newest[g], g), reverse=True)
    doomed = set(others[keep_n - 1:])
    return [entry[2] for entry in sorted(r for r in runs if run_of(r[1]) in doomed)]


def run_of(run_name: str) -> str:
    """The run id of a run directory's name: a shard's suffix -shard-<i>-of-<n> removed."""
    return re.sub(r"-shard-[0-9]+-of-[0-9]+$", "", str(run_name))
