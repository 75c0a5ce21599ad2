# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._core.timing import PHASES, PhaseClock


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_phases_add_up_and_list_comes_from_the_caller():
    clock = FakeClock()
    timing = PhaseClock(0.4125, clock=clock)
    with timing.phase("write"):
        clock.now += 2.5
    with timing.phase("write"):  # a phase entered twice adds up
        clock.now += 1.0
    with timing.phase("logs"):
        clock.now += 0.0004
    assert timing.seconds() == {"list": 0.412, "plan": 0.0, "write": 3.5, "wait": 0.0, "logs": 0.0}
    assert tuple(timing.seconds()) == PHASES


def test_a_phase_that_raises_is_still_counted():
    clock = FakeClock()
    timing = PhaseClock(clock=clock)
    with pytest.raises(RuntimeError):
        with timing.phase("wait"):
            clock.now += 7.0
            raise RuntimeError("watch broke")
    assert timing.seconds()["wait"] == 7.0


def test_an_unknown_phase_is_a_bug():
    with pytest.raises(ValueError, match="unknown phase 'lsit'"):
        with PhaseClock().phase("lsit"):
            pass
