# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Filters for the diagnostics role: planning, outcome classification, reports and retention (documented in the
sidecar .yml files).

Thin wrappers: the logic lives in plugin_utils/_diagnostics/ so it is unit-tested without Ansible.
"""

from __future__ import annotations

import typing as t

from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._filter import as_filter
from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._diagnostics import outcomes
from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._diagnostics import plan
from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._diagnostics import report
from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._diagnostics import retention


class FilterModule:
    """Diagnostics role filters."""

    def filters(self) -> dict[str, t.Callable[..., t.Any]]:
        return {
            "diagnostics_plan": as_filter(plan.plan),
            "diagnostics_outcomes": as_filter(outcomes.outcomes),
            "diagnostics_summary": as_filter(report.summary),
            "diagnostics_report_md": as_filter(report.report_markdown),
            "diagnostics_index": as_filter(report.index),
            "diagnostics_index_md": as_filter(report.index_markdown),
            "diagnostics_retention": as_filter(retention.runs_to_remove),
        }
