# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Filters for the diagnostics role: planning, outcome classification, reports and retention (documented in the
sidecar .yml files).

Thin wrappers: the logic lives in plugin_utils/_diagnostics/ so it is unit-tested without Ansible.
"""

from __future__ import annotations

import functools
import typing as t

from ansible.errors import AnsibleFilterError

from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._diagnostics.common import DiagnosticsError
from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._diagnostics import outcomes
from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._diagnostics import plan
from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._diagnostics import report
from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._diagnostics import retention


def _filter(func: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
    """Turn our errors into filter errors, whose message the task shows as is."""
    @functools.wraps(func)
    def wrapper(*args: t.Any, **kwargs: t.Any) -> t.Any:
        try:
            return func(*args, **kwargs)
        except DiagnosticsError as exc:
            raise AnsibleFilterError(str(exc)) from exc
    return wrapper


class FilterModule:
    """Diagnostics role filters."""

    def filters(self) -> dict[str, t.Callable[..., t.Any]]:
        return {
            "diagnostics_plan": _filter(plan.plan),
            "diagnostics_outcomes": _filter(outcomes.outcomes),
            "diagnostics_summary": _filter(report.summary),
            "diagnostics_report_md": _filter(report.report_markdown),
            "diagnostics_index": _filter(report.index),
            "diagnostics_index_md": _filter(report.index_markdown),
            "diagnostics_retention": _filter(retention.runs_to_remove),
        }
