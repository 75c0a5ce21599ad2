# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Shared pieces of the diagnostics role's filters: the error type, the marker that says a summary.json was
written by the role (retention only ever touches such runs), and time helpers (RFC 3339 parsing is the API's,
in plugins/module_utils/_api/times.py)."""

from __future__ import annotations

import datetime
import typing as t

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api.times import parse_time
from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._filter import UserError

# Written into every summary.json and index.json; retention removes only run directories whose summary has it.
GENERATOR = "kubedebug.ephemeral.diagnostics"
SCHEMA_VERSION = 1


class DiagnosticsError(UserError):
    """A problem the user can fix; the filter plugin shows the message as it is."""


def seconds_between(start: t.Any, end: t.Any) -> t.Optional[float]:
    first, last = parse_time(start), parse_time(end)
    if first is None or last is None:
        return None
    return round((last - first).total_seconds(), 3)


def iso_utc(epoch: t.Any) -> t.Optional[str]:
    """Seconds since the epoch as ``2026-11-23T14:05:01Z``; None for a missing value."""
    if epoch is None or epoch == "":
        return None
    moment = datetime.datetime.fromtimestamp(float(epoch), tz=datetime.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
