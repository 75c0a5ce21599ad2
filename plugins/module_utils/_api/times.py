# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Times as the API writes them: RFC 3339 in UTC (``2026-11-23T14:05:01Z``, metav1.Time)."""

from __future__ import annotations

import datetime
import typing as t


def parse_time(value: t.Any) -> t.Optional[datetime.datetime]:
    """An RFC 3339 time as Kubernetes writes it, timezone-aware; None when missing or unreadable."""
    if not value or not isinstance(value, str):
        return None
    text = value.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=datetime.timezone.utc)
    return parsed
