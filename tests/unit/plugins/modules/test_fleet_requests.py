# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What a fleet run costs the apiserver: requests by kind for many pods, on a first run and a re-run,
logs read side by side, and the client-side rate limit options refused before any request."""

from __future__ import annotations

import collections
import threading

import pytest

from ansible_collections.kubedebug.ephemeral.plugins.modules.ephemeral_container import main
from ansible_collections.kubedebug.ephemeral.tests.unit.plugins.modules.fake_apiserver import FakeApiServer, make_pod, run_module

FLEET = {"namespace": "shop", "label_selectors": ["app=web"], "image": "busybox:1.36", "command": ["ps"], "target": "app",
         "wait": True, "wait_for": "terminated", "logs": True, "max_concurrency": 8}


def fleet(pods: int, server: FakeApiServer = None) -> FakeApiServer:
    server = server or FakeApiServer()
    for index in range(pods):
        server.add(make_pod("web-%03d" % index))
    return server


def kinds(server: FakeApiServer) -> collections.Counter:
    counted: collections.Counter = collections.Counter()
    for method, path, query, _body in server.requests:
        if path in ("/api/v1", "/version"):
            counted["discovery"] += 1
        elif path.endswith("/log"):
            counted["logs"] += 1
        elif method == "PATCH":
            counted["patch"] += 1
        elif query.get("watch") == "true":
            counted["watch"] += 1
        elif path.endswith("/pods"):
            counted["list"] += 1
        else:
            counted["other " + method + " " + path] += 1
    return counted


def test_a_fleet_costs_one_write_per_pod_one_shared_list_and_watch_and_one_log_read_per_pod():
    server = fleet(40)
    result = run_module(main, server, FLEET)
    assert not result["failed"], result.get("msg")
    assert all(r["status"]["state"] == "terminated" and r["logs"] == "thread dump\n" for r in result["results"])
    assert kinds(server) == {"discovery": 2, "list": 1, "patch": 40, "watch": 1, "logs": 40}
    # inject + wait: (2 + 1 + 40 + 1) / 40 = 1.1 requests per pod; 2.1 with logs.


def test_a_fleet_rerun_writes_nothing_and_needs_no_watch():
    server = fleet(40)
    run_module(main, server, FLEET)
    server.requests.clear()
    result = run_module(main, server, FLEET)
    assert result["changed"] is False
    # Every container was already terminated in the selection's read: nothing to watch.
    assert kinds(server) == {"discovery": 2, "list": 1, "logs": 40}


def test_one_pod_costs_a_read_a_write_a_watch_and_a_log_read():
    server = fleet(1)
    args = {k: v for k, v in FLEET.items() if k != "label_selectors"}
    result = run_module(main, server, dict(args, pod="web-000"))
    assert result["changed"] is True, result.get("msg")
    assert [(m, p) for m, p, q, _b in server.requests if p not in ("/api/v1", "/version")] == [
        ("GET", "/api/v1/namespaces/shop/pods/web-000"),
        ("PATCH", "/api/v1/namespaces/shop/pods/web-000/ephemeralcontainers"),
        ("GET", "/api/v1/namespaces/shop/pods"),  # the watch, from the read's resourceVersion
        ("GET", "/api/v1/namespaces/shop/pods/web-000/log"),
    ]
    watch = [q for _m, _p, q, _b in server.requests if q.get("watch") == "true"][0]
    assert watch["resourceVersion"] == "1" and watch["fieldSelector"] == "metadata.name=web-000"


class SideBySideLogs(FakeApiServer):
    """Answers a log read only once ``parties`` reads are in flight together; one at a time would time out."""

    def __init__(self, parties: int) -> None:
        super().__init__()
        self.barrier = threading.Barrier(parties, timeout=10)

    def __call__(self, api_client, method, path, **kwargs):
        if path.endswith("/log"):
            self.barrier.wait()
        return super().__call__(api_client, method, path, **kwargs)


def test_logs_of_many_pods_are_read_at_the_same_time():
    server = fleet(8, SideBySideLogs(parties=4))
    result = run_module(main, server, dict(FLEET, max_concurrency=4))
    assert not result["failed"], result.get("msg")
    assert kinds(server)["logs"] == 8


@pytest.mark.parametrize("args, message", [
    ({"qps": 0}, "qps: 0 is out of range; use 0.1 to 10000"),
    ({"qps": 20001.5}, "qps: 20001.5 is out of range; use 0.1 to 10000"),
    ({"qps": 5, "burst": 0}, "burst: 0 is out of range; use 1 to 10000"),
    ({"burst": 10}, "burst: only applies with a client-side rate limit; set qps (or qps_total) too"),
    ({"qps_total": 0.05}, "qps_total: 0.05 is out of range; use 0.1 to 10000"),
    ({"qps": 5, "qps_total": 20}, "qps, qps_total: give one"),
])
def test_rate_limit_options_are_checked_before_any_request(args, message):
    server = fleet(2)
    result = run_module(main, server, dict(FLEET, **args))
    assert result["failed"] and message in result["msg"] and server.requests == []


def test_a_rate_limited_fleet_still_writes_every_pod_once():
    server = fleet(10)
    result = run_module(main, server, dict(FLEET, qps=1000, burst=2))
    assert not result["failed"] and server.stored_writes == 10 and kinds(server)["patch"] == 10
