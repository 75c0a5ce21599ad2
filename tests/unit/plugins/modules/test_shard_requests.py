# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The shard option through each module's main(): shards that together write every pod once, a bad shard refused
before any request, and logs cut at logs_limit_bytes."""

from __future__ import annotations

import pytest

from ansible_collections.kubedebug.ephemeral.plugins.modules import ephemeral_container, ephemeral_container_cleanup, ephemeral_container_info
from ansible_collections.kubedebug.ephemeral.tests.unit.plugins.modules.fake_apiserver import FakeApiServer, make_pod, run_module

FLEET = {"namespace": "shop", "label_selectors": ["app=web"], "image": "busybox:1.36", "command": ["ps"], "target": "app",
         "wait": True, "wait_for": "terminated", "logs": True, "max_concurrency": 8}
SELECT = {"namespace": "shop", "label_selectors": ["app=web"]}


def fleet(pods: int) -> FakeApiServer:
    server = FakeApiServer()
    for index in range(pods):
        server.add(make_pod("web-%03d" % index))
    return server


def over_shards(main, server: FakeApiServer, args: dict, count: int) -> list:
    """Run ``main`` once per shard of ``count``; every run's result."""
    results = [run_module(main, server, dict(args, shard={"index": index, "count": count})) for index in range(count)]
    assert not any(result["failed"] for result in results), [result.get("msg") for result in results]
    return results


def test_four_shards_write_every_pod_exactly_once():
    server = fleet(40)
    results = over_shards(ephemeral_container.main, server, FLEET, 4)
    assert all(result["results"] for result in results), "a shard of 40 pods was empty"
    seen = [entry["pod"] for result in results for entry in result["results"] if entry["created"]]
    assert sorted(seen) == ["web-%03d" % n for n in range(40)]
    assert [result["shard"] for result in results] == [{"index": i, "count": 4, "matched": 40} for i in range(4)]
    assert "shard" not in run_module(ephemeral_container.main, server, FLEET)
    assert server.stored_writes == 40 and len(server.patches()) == 40


def test_a_named_pod_is_worked_on_by_its_own_shard_only():
    server = fleet(1)
    args = {k: v for k, v in FLEET.items() if k != "label_selectors"}
    created = [run_module(ephemeral_container.main, server, dict(args, pod="web-000", shard={"index": i, "count": 8}))["changed"]
               for i in range(8)]
    assert created.count(True) == 1 and created.index(True) == 4  # sha256("uid-web-000")[:8] = 3bd3e314; % 8 = 4
    assert server.stored_writes == 1


def test_info_returns_only_the_shards_pods():
    results = over_shards(ephemeral_container_info.main, fleet(12), SELECT, 3)
    assert sorted(pod["pod"] for result in results for pod in result["pods"]) == ["web-%03d" % n for n in range(12)]


BAD = [
    ({"index": 4, "count": 4}, "shard.index: 4 is out of range for count 4; shards are numbered from 0, so use 0 to 3"),
    ({"index": -1, "count": 4}, "shard.index: -1 is out of range"),
    ({"index": 0, "count": 0}, "shard.count: 0 is out of range; use 1 to 10000"),
    ({}, "shard: an empty mapping is not a shard; remove shard to work on every selected pod"),
    ({"index": 1}, "shard.count: missing"),
]
MODULES = [
    (ephemeral_container.main, FLEET),
    (ephemeral_container_info.main, SELECT),
    (ephemeral_container_cleanup.main, dict(SELECT, min_ephemeral_containers=1)),
]


@pytest.mark.parametrize("main, args", MODULES, ids=["ephemeral_container", "info", "cleanup"])
@pytest.mark.parametrize("shard, message", BAD, ids=[m.split(":")[0] + "-" + str(i) for i, (_s, m) in enumerate(BAD)])
def test_a_bad_shard_is_refused_before_any_request(main, args, shard, message):
    server = fleet(3)
    result = run_module(main, server, dict(args, shard=shard))
    assert result["failed"] and message in result["msg"], result["msg"]
    assert server.requests == []


def test_logs_are_cut_at_the_limit_by_default_and_whole_on_request():
    server = fleet(2)
    server.logs = "x" * 70000
    small = run_module(ephemeral_container.main, server, FLEET)
    assert [(len(r["logs"]), r["logs_truncated"]) for r in small["results"]] == [(65536, True)] * 2
    whole = run_module(ephemeral_container.main, server, dict(FLEET, logs_limit_bytes=0))
    assert [(len(r["logs"]), r["logs_truncated"]) for r in whole["results"]] == [(70000, False)] * 2
    info = run_module(ephemeral_container_info.main, server, dict(SELECT, logs=True, logs_limit_bytes=100))
    assert [(len(c["logs"]), c["logs_truncated"]) for p in info["pods"] for c in p["ephemeral_containers"]] == [(100, True)] * 2


def test_a_negative_logs_limit_is_refused_before_any_request():
    server = fleet(1)
    for main, args in ((ephemeral_container.main, FLEET), (ephemeral_container_info.main, dict(SELECT, logs=True))):
        result = run_module(main, server, dict(args, logs_limit_bytes=-1))
        assert result["failed"] and "logs_limit_bytes: -1 is out of range; use 0 or more" in result["msg"], result["msg"]
    assert server.requests == []
