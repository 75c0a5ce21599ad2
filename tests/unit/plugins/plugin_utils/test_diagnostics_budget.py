# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What a diagnostics target group may still use: the run's overall time and pod limits are shared by all groups,
and a group that no longer fits is skipped with the reason the summary shows."""

from __future__ import annotations

from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._diagnostics.budget import budget


def test_a_group_gets_what_is_left() -> None:
    left = budget(1000.0, 600, 10, 4, 120, 1100.5)
    assert left == {"left_seconds": 499, "left_pods": 6, "skip": "", "wait_timeout": 120}


def test_the_group_wait_is_cut_to_the_run_time_left() -> None:
    assert budget("1000.0", "600", "10", "0", "120", "1550")["wait_timeout"] == 50


def test_out_of_time_skips_the_group() -> None:
    left = budget(1000.0, 600, 10, 0, 120, 1600.0)
    assert left["skip"] == "overall timeout (diagnostics_timeout=600 s) reached before this group started"


def test_out_of_pods_skips_the_group_and_time_comes_first() -> None:
    assert budget(1000.0, 600, 10, 10, 120, 1001.0)["skip"] == "diagnostics_max_pods=10 pods already used by earlier groups"
    assert budget(1000.0, 600, 10, 10, 120, 2000.0)["skip"].startswith("overall timeout")
