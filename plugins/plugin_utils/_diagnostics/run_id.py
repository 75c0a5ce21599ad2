# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The default run id: from AWX's job variables when the run is an AWX / AAP job, so that every slice of one job
names its containers and artifacts alike; otherwise the UTC start time.

AWX sets these extra variables on every job it runs (``UnifiedJob.awx_meta_vars`` in awx/main/models/unified_jobs.py,
each also with the older ``tower_`` prefix): ``awx_job_id``; ``awx_workflow_job_id`` for a job that is a node of a
workflow - a sliced job is a workflow of its slices, so all slices share it; ``awx_schedule_id`` for a job a schedule
launched and ``awx_parent_job_schedule_id`` for a workflow a schedule launched.
"""

from __future__ import annotations

import re
import typing as t

# Each AWX variable the run id is made of: (its letter in the run id, the names that carry it, first one wins).
AWX_PARTS: t.Tuple[t.Tuple[str, t.Tuple[str, ...]], ...] = (
    ("s", ("awx_schedule_id", "tower_schedule_id", "awx_parent_job_schedule_id", "tower_parent_job_schedule_id")),
    ("w", ("awx_workflow_job_id", "tower_workflow_job_id")),
    ("j", ("awx_job_id", "tower_job_id")),
)
AWX_VARIABLES: t.Tuple[str, ...] = tuple(name for _letter, names in AWX_PARTS for name in names)

_ID = re.compile(r"^[0-9]+$")


def _first_id(variables: t.Mapping[str, t.Any], names: t.Sequence[str]) -> t.Optional[str]:
    for name in names:
        value = variables.get(name)
        if value is not None and not isinstance(value, bool) and _ID.match(str(value)):
            return str(value)
    return None


def awx_run_id(variables: t.Mapping[str, t.Any]) -> t.Optional[str]:
    """``awx-[s<schedule>-]w<workflow job>`` when the job is part of a workflow (every slice of a sliced job is),
    ``awx-[s<schedule>-]j<job>`` otherwise; None outside AWX. Lower-case letters, digits and '-': a DNS label."""
    schedule, workflow, job = (_first_id(variables, names) for _letter, names in AWX_PARTS)
    if workflow is None and job is None:
        return None
    parts = ["s" + schedule] if schedule else []
    parts.append("w" + workflow if workflow else "j" + str(job))
    return "awx-" + "-".join(parts)


def default_run_id(variables: t.Mapping[str, t.Any], started: str) -> str:
    """The run id when diagnostics_run_id is empty: AWX's (see awx_run_id), else ``started`` (the UTC start time)."""
    return awx_run_id(variables or {}) or started
