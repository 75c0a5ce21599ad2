# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""LIST then WATCH for the pod_events source, and its resume after 410 Gone (from a scripted server, eda_server.py)."""

from __future__ import annotations

import typing as t
from unittest import mock

import pytest

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._core import rest as _rest
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._core.errors import KubedebugError
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._eda.tracker import PodTriggers, Settings
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._eda.watch import ListWatch
from ansible_collections.kubedebug.ephemeral.tests.unit.plugins.module_utils.eda_server import GONE, ScriptedServer, modified, pod_list, watch_events
from ansible_collections.kubedebug.ephemeral.tests.unit.plugins.modules.fake_apiserver import status_error
from ansible_collections.kubedebug.ephemeral.tests.unit.plugins.module_utils.eda_pods import START, pod


def run(server: ScriptedServer, settings: t.Optional[Settings] = None) -> t.Tuple[ListWatch, t.List[t.Any]]:
    tracker = PodTriggers(settings or Settings(frozenset(["restart"]), 30, (), 0), START)
    sent: t.List[t.Any] = []
    clock = iter(range(int(START) + 1, int(START) + 1000))
    watch = ListWatch(object(), "pods", "shop",
                      lambda items: sent.extend(tracker.pods_listed(items, next(clock)).send),
                      lambda kind, obj: sent.extend(tracker.pod_changed(kind, obj, next(clock)).send),
                      label_selector="app=web", sleep=lambda seconds: None)
    server.when_done = watch.stop
    with mock.patch.object(_rest, "open_response", server):
        watch.run()
    return watch, sent


def test_a_410_in_the_stream_lists_again_and_keeps_what_was_sent():
    server = ScriptedServer([
        pod_list("100", pod(restarts=0)),
        watch_events(modified(pod(restarts=1), "120"), GONE),
        # Meanwhile the pod restarted again and another one appeared; the first restart must not come back.
        pod_list("300", pod(restarts=2), pod("api", restarts=0)),
        watch_events(modified(pod(restarts=2), "310")),
    ])
    watch, sent = run(server)
    assert [(s.pod, s.occurrence) for s in sent] == [("web", "app:1"), ("web", "app:2")]
    assert watch.lists == 2 and watch.resumed_after_gone == 1
    paths = [(path, query.get("watch"), query.get("resourceVersion")) for path, query in server.requests]
    assert paths[:4] == [("/api/v1/namespaces/shop/pods", None, None), ("/api/v1/namespaces/shop/pods", "true", "100"),
                         ("/api/v1/namespaces/shop/pods", None, None), ("/api/v1/namespaces/shop/pods", "true", "300")]
    assert all(query.get("labelSelector") == "app=web" for dummy, query in server.requests)


def test_a_watch_the_server_ends_goes_on_from_the_last_version_without_a_list():
    server = ScriptedServer([pod_list("100", pod()), watch_events(modified(pod(restarts=1), "150")), watch_events()])
    watch, sent = run(server)
    assert [s.occurrence for s in sent] == ["app:1"]
    assert watch.lists == 1
    assert server.requests[2][1]["resourceVersion"] == "150" and server.requests[2][1]["allowWatchBookmarks"] == "true"


def test_a_410_answer_to_the_watch_request_lists_again():
    server = ScriptedServer([pod_list("100", pod()), status_error(410, "Gone", "too old resource version"), pod_list("200", pod(restarts=1))])
    watch, sent = run(server)
    assert [s.occurrence for s in sent] == ["app:1"] and watch.resumed_after_gone == 1 and watch.lists == 2


def test_an_unreachable_server_is_tried_again_and_a_missing_permission_ends_the_run():
    unreachable = _rest.unreachable(OSError("connection refused"))
    server = ScriptedServer([unreachable, pod_list("100", pod())])
    watch, dummy = run(server)
    assert watch.interruptions == 1 and watch.lists == 1
    forbidden = ScriptedServer([status_error(403, "Forbidden", 'pods is forbidden: User "eda" cannot list resource "pods"')])
    with pytest.raises(KubedebugError, match="verb 'list' on resource 'pods' in namespace \"shop\""):
        run(forbidden)
