# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Shards: the documented hash of a pod's UID, every pod in exactly one shard, the range checks and each
shard's share of the request budget."""

from __future__ import annotations

import collections
import shutil
import subprocess
import uuid

import pytest

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api import shard as _shard
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._cluster import pods as _pods

# Pinned (the first 8 hex digits of each UID's SHA-256 in the comment): other tools, and later versions of this
# collection, must put these pods in these shards.
GOLDEN = [
    ("0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0", 4, 1),  # 56a9b739
    ("uid-web-000", 8, 4),  # 3bd3e314
    ("uid-web-001", 8, 6),  # 4aac3b66
    ("2f9a6d1c-0000-4000-8000-000000000001", 3, 2),  # 1ab248c5
]


def test_the_shard_is_the_documented_hash_of_the_uid():
    assert [_shard.shard_of(uid, count) for uid, count, _want in GOLDEN] == [want for _uid, _count, want in GOLDEN]
    assert _shard.shard_of("anything", 1) == 0


@pytest.mark.skipif(shutil.which("sha256sum") is None or shutil.which("bash") is None, reason="needs sha256sum and bash")
def test_the_shell_line_in_the_docstring_gives_the_same_shard():
    for uid in ("0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0", "f" * 36, str(uuid.UUID(int=7))):
        line = 'echo $(( 16#$(printf %s "$0" | sha256sum | cut -c1-8) % 7 ))'
        shell = subprocess.run(["bash", "-c", line, uid], capture_output=True, text=True, check=True).stdout.strip()
        assert int(shell) == _shard.shard_of(uid, 7)


def test_every_pod_is_in_exactly_one_shard_and_the_shards_are_even():
    uids = [str(uuid.UUID(int=n * 7919 + 13)) for n in range(4000)]
    for count in (1, 2, 3, 4, 8):
        owners = collections.Counter()
        for uid in uids:
            holders = [index for index in range(count) if _shard.holds(_shard.Shard(index, count), {"metadata": {"uid": uid}})]
            assert len(holders) == 1
            owners[holders[0]] += 1
        assert set(owners) == set(range(count))
        assert max(owners.values()) < 1.2 * len(uids) / count


def test_no_shard_holds_every_pod():
    assert _shard.holds(None, {"metadata": {"uid": "x"}})


@pytest.mark.parametrize("value, message", [
    ({}, "shard: an empty mapping is not a shard; remove shard to work on every selected pod"),
    ({"index": None, "count": None}, "shard: an empty mapping is not a shard"),
    ({"index": 4, "count": 4}, "shard.index: 4 is out of range for count 4; shards are numbered from 0, so use 0 to 3"),
    ({"index": -1, "count": 4}, "shard.index: -1 is out of range; shards are numbered from 0"),
    ({"index": 0, "count": 0}, "shard.count: 0 is out of range; use 1 to 10000"),
    ({"index": 0, "count": -2}, "shard.count: -2 is out of range; use 1 to 10000"),
    ({"index": 0, "count": 10001}, "shard.count: 10001 is out of range; use 1 to 10000"),
    ({"index": 1}, "shard.count: missing; give the number of shards (1 or more) next to index"),
    ({"count": 4}, "shard.index: missing; give this run's shard, from 0 to count - 1"),
    ({"index": "1", "count": 4}, "shard.index: '1' is not a whole number; use 0 to count - 1"),
    ({"index": True, "count": 4}, "shard.index: True is not a whole number"),
    ({"index": 0, "count": 2.5}, "shard.count: 2.5 is not a whole number; use 1 to 10000"),
    ({"index": 0, "count": 2, "size": 1}, "shard: unknown keys size; a shard has only index and count"),
    ("0/4", "shard: must be a mapping {index, count}, such as {index: 0, count: 4}, not str"),
])
def test_bad_shards_are_refused_naming_the_option_and_the_fix(value, message):
    problems = _shard.shard_problems(value)
    assert any(p.startswith(message) for p in problems), problems


def test_good_shards_and_none_have_no_problems():
    assert _shard.shard_problems(None) == []
    assert _shard.shard_problems({"index": 0, "count": 1}) == []
    assert _shard.shard_problems({"index": 9999, "count": 10000}) == []


def test_the_role_variable_is_named_in_its_messages():
    assert _shard.shard_problems({"index": 2, "count": 2}, "diagnostics_shard") == [
        "diagnostics_shard.index: 2 is out of range for count 2; shards are numbered from 0, so use 0 to 1"]


def test_each_shard_gets_its_share_of_qps_total():
    assert _shard.process_qps(None, 40.0, _shard.Shard(0, 4)) == 10.0
    assert _shard.process_qps(None, 40.0, None) == 40.0
    assert _shard.process_qps(7.0, None, _shard.Shard(0, 4)) == 7.0  # qps is per process already
    assert _shard.process_qps(None, None, _shard.Shard(0, 4)) is None


def test_the_selection_checks_the_shard_and_keeps_only_its_pods():
    pods = [{"metadata": {"name": "p%d" % n, "namespace": "a", "uid": "u%d" % n}} for n in range(50)]
    bad = _pods.Selection.from_params({"label_selectors": ["a=b"], "shard": {"index": 3, "count": 3}})
    assert _pods.selection_problems(bad, require_selector=True) == [
        "shard.index: 3 is out of range for count 3; shards are numbered from 0, so use 0 to 2"]
    kept = []
    for index in range(3):
        selection = _pods.Selection.from_params({"label_selectors": ["a=b"], "shard": {"index": index, "count": 3}})
        assert _pods.selection_problems(selection, require_selector=True) == []
        kept += [pod["metadata"]["name"] for pod in selection.in_shard(pods)]
    assert sorted(kept) == sorted(pod["metadata"]["name"] for pod in pods)
    assert _pods.Selection.from_params({"label_selectors": ["a=b"]}).in_shard(pods) == pods
