# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Memory of a 10,000-pod selection: a paginated LIST of kwok-like pods (about 3 KB of JSON each, with managedFields)
read through the real listing code, with only the HTTP layer faked, and measured with tracemalloc."""

from __future__ import annotations

import json
import tracemalloc
import typing as t

import pytest

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._cleanup import evict as _evict
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._cluster import pods as _pods
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._core import rest as _rest
from ansible_collections.kubedebug.ephemeral.tests.unit.pod_factories import kwok_pod

PODS = 10000
MIB = 1024 * 1024


class Response:
    def __init__(self, data: bytes) -> None:
        self.data = data


class PagedList:
    """The pods LIST of an apiserver: pages of ``limit`` items chained by ``continue``. The pages' bytes are made
    before tracing starts; each answer is a fresh copy, as a real read allocates the body it receives."""

    def __init__(self, pods: t.Callable[[int], dict], count: int, limit: int = 500) -> None:
        self.limit = limit
        self.pages: t.List[bytes] = []
        self.queries: t.List[dict] = []
        for start in range(0, count, limit):
            # PodList items carry no kind or apiVersion.
            items = b",".join(json.dumps({k: v for k, v in pods(i).items() if k not in ("kind", "apiVersion")},
                                         separators=(",", ":")).encode() for i in range(start, min(count, start + limit)))
            token = b'"%d"' % (start + limit) if start + limit < count else b'""'
            self.pages.append(b'{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"9000","continue":' + token
                              + b'},"items":[' + items + b']}')
        self.bytes = sum(len(page) for page in self.pages)

    def __call__(self, api_client, method, path, query=None, **kwargs):
        query = dict(query or [])
        self.queries.append(query)
        assert method == "GET" and int(query["limit"]) == self.limit
        return Response(bytes(bytearray(self.pages[int(query.get("continue") or 0) // self.limit])))


@pytest.fixture(scope="module")
def fleet() -> PagedList:
    return PagedList(kwok_pod, PODS)


def traced(read: t.Callable[[], t.Any]) -> t.Tuple[t.Any, int, int]:
    """(what ``read`` returned, bytes still held with it, peak bytes while reading)."""
    tracemalloc.start()
    try:
        kept = read()
        current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return kept, current, peak


SELECTION = _pods.Selection(namespace="fleet", label_selectors=["fleet=yes"])


def test_a_selection_of_10000_pods_holds_a_fraction_of_the_whole_list(fleet, monkeypatch):
    monkeypatch.setattr(_rest, "open_response", fleet)
    whole, whole_held, whole_peak = traced(lambda: _pods.list_pods_versioned(None, "fleet", "fleet=yes"))
    assert len(whole[0]) == PODS
    del whole
    selected, held, peak = traced(lambda: _pods.select_pods_versioned(None, SELECTION))
    assert selected.matched == PODS and len(selected.take()) == PODS and selected.resource_version == "9000"
    shard, shard_held, shard_peak = traced(lambda: _pods.select_pods_versioned(
        None, _pods.Selection(namespace="fleet", label_selectors=["fleet=yes"], shard={"index": 0, "count": 4})))
    assert shard.matched == PODS and 2300 < len(shard.take()) < 2700
    print("\n10,000 kwok pods, {0:.0f} B of JSON each: whole pods held {1:.1f} MiB (peak {2:.1f} MiB); reduced held {3:.1f} MiB "
          "(peak {4:.1f} MiB); shard 0 of 4 held {5:.1f} MiB (peak {6:.1f} MiB)".format(
              fleet.bytes / PODS, whole_held / MIB, whole_peak / MIB, held / MIB, peak / MIB, shard_held / MIB, shard_peak / MIB))
    # Kept whole, a kwok pod costs about 13.7 KB of Python objects (134 MiB for 10,000); reduced, about 1.7 KB. The
    # peak adds one page in flight: its bytes, text and parsed pods (500 pods, about 8 MiB). Measured: 17 and 24 MiB.
    assert held < whole_held / 5
    assert peak < 40 * MIB and peak < whole_peak / 4
    # A shard holds only its own pods: about a quarter, while the page in flight stays the same.
    assert shard_held < held / 3 and shard_peak < peak


def test_pages_are_followed_in_order_and_none_is_kept(fleet, monkeypatch):
    monkeypatch.setattr(_rest, "open_response", fleet)
    fleet.queries.clear()
    seen = []
    version = _pods.each_listed_pod(None, "fleet", "fleet=yes", "", lambda pod: seen.append(pod["metadata"]["name"]))
    assert version == "9000" and seen == ["pod-{0:05d}".format(i) for i in range(PODS)]
    assert [q.get("continue") for q in fleet.queries] == [None] + [str(n) for n in range(500, PODS, 500)]
    assert all(q["labelSelector"] == "fleet=yes" for q in fleet.queries)
    # Nothing of a page outlives the reading of it: handing pods to a function that keeps none holds nothing.
    _kept, held, _peak = traced(lambda: _pods.each_listed_pod(None, "fleet", "fleet=yes", "", lambda pod: None))
    assert held < MIB


def test_the_owner_lookup_keeps_only_that_controllers_pods(monkeypatch):
    def owned(index: int) -> dict:
        pod = kwok_pod(index)
        pod["metadata"]["ownerReferences"] = [{"kind": "ReplicaSet", "name": "rs", "uid": "rs-%d" % (index % 3), "controller": True}]
        return pod

    monkeypatch.setattr(_rest, "open_response", PagedList(owned, 30))
    assert [p["metadata"]["name"] for p in _evict.owned_by(None, "fleet", "rs-1")] == ["pod-{0:05d}".format(i) for i in range(1, 30, 3)]
