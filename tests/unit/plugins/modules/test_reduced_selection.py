# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Whole modules give the same result, and write the same requests, when the selected pods are kept whole as when
they are reduced as each LIST page arrives."""

from __future__ import annotations

import copy
from unittest import mock

import pytest

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._cluster import pods as _pods
from ansible_collections.kubedebug.ephemeral.plugins.modules import ephemeral_container, ephemeral_container_cleanup, ephemeral_container_info
from ansible_collections.kubedebug.ephemeral.tests.unit.plugins.modules.fake_apiserver import FakeApiServer, run_module
from ansible_collections.kubedebug.ephemeral.tests.unit.pod_factories import full_pod, kwok_pod

FLEET = {"namespace": "fleet", "label_selectors": ["app=web"], "image": "busybox:1.36", "command": ["ps"], "target": "app",
         "run_id": "r1", "wait": True, "wait_for": "terminated", "logs": True}

CASES = [
    (ephemeral_container.main, FLEET, False),
    (ephemeral_container.main, FLEET, True),
    (ephemeral_container.main, dict(FLEET, mount_target_volumes=True, annotate=True, results_detail="full"), False),
    (ephemeral_container.main, dict(FLEET, name="debug-shell", max_ephemeral_containers=2, shard={"index": 1, "count": 3}), False),
    (ephemeral_container.main, dict(FLEET, pod="web-5d8f7c9b4-00002", label_selectors=[]), False),
    (ephemeral_container.main, dict(FLEET, label_selectors=["fleet=yes"]), False),
    (ephemeral_container_info.main, {"namespace": "fleet"}, False),
    (ephemeral_container_cleanup.main, {"namespace": "fleet", "label_selectors": ["app=web"], "name_prefix": "debugger"}, True),
]


def fleet() -> FakeApiServer:
    server = FakeApiServer()
    server.add(full_pod(0))
    server.add(full_pod(1, ephemeral=["debugger-r1"]))
    server.add(full_pod(2, ephemeral=["debug-shell", "debugger-old"]))
    server.add(full_pod(3, ephemeral=["debugger-a", "debugger-b"]))
    for index in range(4):
        server.add(kwok_pod(index))
    return server


def run(main, args, check_mode, reduce):
    server = fleet()
    with mock.patch.object(_pods, "reduce_pod", reduce):
        result = run_module(main, server, copy.deepcopy(args), check_mode=check_mode)
    result.pop("timings", None)
    for entry in result.get("results") or []:
        entry.pop("annotation", None)  # holds the time of the write
    # Writes run side by side, so only their set is the same from run to run.
    return result, sorted(repr(r) for r in server.requests if r[0] != "GET"), server.pods


@pytest.mark.parametrize("main, args, check_mode", CASES)
def test_the_module_result_and_writes_are_those_of_whole_pods(main, args, check_mode):
    reduced = run(main, args, check_mode, _pods.reduce_pod)
    whole = run(main, args, check_mode, lambda pod: pod)
    assert not reduced[0]["failed"], reduced[0].get("msg")
    assert reduced == whole
