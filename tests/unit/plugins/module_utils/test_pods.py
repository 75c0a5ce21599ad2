# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import json
import threading
import time

import pytest
from kubernetes.client.exceptions import ApiException

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._cluster import pods as _pods
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._core import concurrency as _concurrency
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._core import rest as _rest
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._core.errors import KubedebugError
from ansible_collections.kubedebug.ephemeral.tests.unit.pod_factories import pod


@pytest.mark.parametrize("params, require, problems", [
    ({"pod": "web"}, True, 0),
    ({"label_selectors": ["app=web"]}, True, 0),
    ({"field_selectors": ["spec.nodeName=n1"], "all_namespaces": True}, True, 0),
    ({}, True, 1),
    ({"all_namespaces": True}, True, 1),
    ({}, False, 0),
    ({"pod": "web", "label_selectors": ["app=web"]}, False, 1),
    ({"pod": "web", "all_namespaces": True}, True, 1),
])
def test_selection_problems(params, require, problems):
    assert len(_pods.selection_problems(_pods.Selection.from_params(params), require)) == problems


def test_selection_joins_selectors():
    sel = _pods.Selection.from_params({"label_selectors": ["app=web", "tier=fe"], "field_selectors": ["status.phase=Running"]})
    assert (sel.label_selector, sel.field_selector, sel.single) == ("app=web,tier=fe", "status.phase=Running", False)


def test_max_pods_fails_naming_the_count():
    sel = _pods.Selection.from_params({"label_selectors": ["app=web"]})
    _pods.check_max_pods([1, 2, 3], 3, sel)
    _pods.check_max_pods([1, 2, 3], None, sel)
    with pytest.raises(KubedebugError, match="4 pods match .* more than max_pods=3. Nothing was written") as info:
        _pods.check_max_pods([1, 2, 3, 4], 3, sel)
    assert info.value.result["matched_pods"] == 4


@pytest.mark.parametrize("the_pod, single, limit, reason", [
    (pod("a"), False, None, None),
    (pod("a", phase="Pending"), False, None, "pod phase is Pending, not Running"),
    (pod("a", phase="Succeeded"), False, None, "pod phase is Succeeded, not Running"),
    (pod("a", phase="Pending"), True, None, None),  # one named pod: the user asked for it
    (pod("a", terminating=True), False, None, "pod is terminating"),
    (pod("a", ephemeral=["x", "y"]), False, 2, "pod already has 2 ephemeral containers (max_ephemeral_containers=2)"),
    (pod("a", ephemeral=["x", "y"]), True, 2, "pod already has 2 ephemeral containers (max_ephemeral_containers=2)"),
    (pod("a", ephemeral=["x"]), False, 2, None),
    # The container this task describes is already there: never skipped, the rerun must see it.
    (pod("a", ephemeral=["x", "mine"]), False, 2, None),
    (pod("a", phase="Succeeded", ephemeral=["mine"]), False, None, None),
])
def test_skip_reason(the_pod, single, limit, reason):
    found = _pods.skip_reason(the_pod, "mine", single, limit)
    assert (found is None) if reason is None else found.startswith(reason)


def test_run_bounded_keeps_order_exceptions_and_bound():
    active, peak, lock = [0], [0], threading.Lock()

    def work(item):
        with lock:
            active[0] += 1
            peak[0] = max(peak[0], active[0])
        time.sleep(0.02)
        with lock:
            active[0] -= 1
        if item == 3:
            raise KubedebugError("boom")
        return item * 10

    results = _concurrency.run_bounded(work, list(range(8)), 3)
    assert [r for r in results if not isinstance(r, Exception)] == [0, 10, 20, 40, 50, 60, 70]
    assert isinstance(results[3], KubedebugError)
    assert 1 < peak[0] <= 3


def test_list_pods_follows_continue_and_sorts(monkeypatch):
    pages = [
        {"kind": "PodList", "metadata": {"continue": "tok", "resourceVersion": "10"}, "items": [pod("b")]},
        {"kind": "PodList", "metadata": {"resourceVersion": "11"}, "items": [pod("a")]},
    ]
    calls = []

    def fake(api_client, method, path, **kwargs):
        calls.append((path, kwargs["query"]))
        return pages.pop(0)

    monkeypatch.setattr(_rest, "request_json", fake)
    found = _pods.select_pods(None, _pods.Selection.from_params({"label_selectors": ["app=web"], "all_namespaces": True}))
    assert [p["metadata"]["name"] for p in found] == ["a", "b"]
    assert found[0]["kind"] == "Pod"
    assert calls[0][0] == "/api/v1/pods" and ("labelSelector", "app=web") in calls[0][1]
    assert ("continue", "tok") in calls[1][1]


def test_read_pod_distinguishes_missing_namespace(monkeypatch):
    def not_found(kind, name):
        exc = ApiException(status=404, reason="Not Found")
        exc.body = json.dumps({"kind": "Status", "code": 404, "reason": "NotFound", "message": '%s "%s" not found' % (kind, name),
                               "details": {"name": name, "kind": kind}})
        return exc

    def fake(api_client, method, path, **kwargs):
        if path == "/api/v1/namespaces/nope":
            raise not_found("namespaces", "nope")
        raise not_found("pods", "web")

    monkeypatch.setattr(_rest, "request_json", fake)
    with pytest.raises(KubedebugError, match='Namespace "nope" does not exist'):
        _pods.read_pod(None, "nope", "web")
