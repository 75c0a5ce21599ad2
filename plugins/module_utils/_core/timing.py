# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Seconds per phase of one task (list, plan, write, wait, logs), returned as ``timings`` so that a slow fleet run
says where its time went without a profiler."""

from __future__ import annotations

import contextlib
import time
import typing as t

PHASES: t.Tuple[str, ...] = ("list", "plan", "write", "wait", "logs")


class PhaseClock:
    """Adds up the wall time of each phase; ``list`` is measured by the caller (it runs before the task's own work)."""

    def __init__(self, list_seconds: float = 0.0, clock: t.Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.spent: t.Dict[str, float] = {phase: 0.0 for phase in PHASES}
        self.spent["list"] = list_seconds

    @contextlib.contextmanager
    def phase(self, name: str) -> t.Iterator[None]:
        if name not in self.spent:
            raise ValueError("unknown phase {0!r}".format(name))
        started = self.clock()
        try:
            yield
        finally:
            self.spent[name] += self.clock() - started

    def seconds(self) -> t.Dict[str, float]:
        """Each phase's seconds, to the millisecond."""
        return {phase: round(self.spent[phase], 3) for phase in PHASES}
