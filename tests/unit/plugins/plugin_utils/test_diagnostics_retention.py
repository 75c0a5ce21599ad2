# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import json

import pytest

from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._diagnostics.common import GENERATOR, DiagnosticsError
from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._diagnostics.retention import runs_to_remove

ROOT = "/srv/diag"


def ours(run_id, started, root=ROOT, directory=None):
    text = json.dumps({"generator": GENERATOR, "run_id": run_id, "started_at": started})
    return [f"{root}/{directory or run_id}/summary.json", text]


RUNS = [ours("r1", "2026-11-20T00:00:00Z"), ours("r2", "2026-11-21T00:00:00Z"), ours("r3", "2026-11-22T00:00:00Z"),
        ours("r4", "2026-11-23T00:00:00Z")]


def test_keeps_the_newest_n_including_the_current_run() -> None:
    assert runs_to_remove(RUNS, ROOT, 2, "r4") == [f"{ROOT}/r1", f"{ROOT}/r2"]
    assert runs_to_remove(RUNS, ROOT + "/", 3, "r4") == [f"{ROOT}/r1"]
    assert runs_to_remove(RUNS, ROOT, 4, "r4") == []


def test_the_current_run_is_kept_even_when_its_clock_looks_older() -> None:
    assert runs_to_remove(RUNS, ROOT, 1, "r1") == [f"{ROOT}/r2", f"{ROOT}/r3", f"{ROOT}/r4"]


@pytest.mark.parametrize("keep", [0, -1, "0"])
def test_zero_keeps_everything(keep) -> None:
    assert runs_to_remove(RUNS, ROOT, keep, "r4") == []


def test_never_touches_what_the_role_did_not_make() -> None:
    entries = RUNS + [
        ["/srv/diag/notes/summary.json", json.dumps({"run_id": "notes", "started_at": "2000-01-01T00:00:00Z"})],  # no marker
        ["/srv/diag/broken/summary.json", "{"],
        ours("renamed", "2000-01-01T00:00:00Z", directory="copy-of-r0"),  # run id does not match its directory
        ours("deep", "2000-01-01T00:00:00Z", root="/srv/diag/sub"),  # not directly under the artifacts dir
        ours("elsewhere", "2000-01-01T00:00:00Z", root="/tmp"),
        ["/srv/diag/r0/other.json", json.dumps({"generator": GENERATOR, "run_id": "r0"})],
        "junk",
    ]
    assert runs_to_remove(entries, ROOT, 3, "r4") == [f"{ROOT}/r1"]


def test_bad_keep_is_an_error() -> None:
    with pytest.raises(DiagnosticsError, match="diagnostics_keep_runs"):
        runs_to_remove(RUNS, ROOT, "many", "r4")


SHARDED = [ours("a-shard-0-of-2", "2026-11-20T00:00:00Z"), ours("a-shard-1-of-2", "2026-11-20T00:01:00Z"),
           ours("b-shard-0-of-2", "2026-11-21T00:00:00Z"), ours("b-shard-1-of-2", "2026-11-21T00:00:30Z"),
           ours("c", "2026-11-22T00:00:00Z")]


def test_the_shards_of_one_run_count_as_one_run_and_go_together() -> None:
    assert runs_to_remove(SHARDED, ROOT, 2, "c") == [f"{ROOT}/a-shard-0-of-2", f"{ROOT}/a-shard-1-of-2"]


def test_a_shard_never_removes_a_sibling_of_its_own_run() -> None:
    # Shard 1 of run a, keeping one run: its sibling shard 0 stays although it is older than runs b and c.
    assert runs_to_remove(SHARDED, ROOT, 1, "a-shard-1-of-2") == [
        f"{ROOT}/b-shard-0-of-2", f"{ROOT}/b-shard-1-of-2", f"{ROOT}/c"]
