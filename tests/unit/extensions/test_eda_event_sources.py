# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The event sources as ansible-rulebook runs them: loaded by path (runpy) and awaited as ``main(queue, args)``.
pod_events against a scripted API server (list, watch, 410 Gone, list again, a readiness timer); alertmanager_pods
on a real socket on 127.0.0.1. Their DOCUMENTATION names exactly the arguments they take."""

from __future__ import annotations

import asyncio
import json
import runpy
import socket
import time
import typing as t
from pathlib import Path
from unittest import mock

import pytest
import yaml

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._core import rest as _rest
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._eda import arguments
from ansible_collections.kubedebug.ephemeral.tests.unit.plugins.module_utils.eda_pods import pod
from ansible_collections.kubedebug.ephemeral.tests.unit.plugins.module_utils.eda_server import GONE, ScriptedServer, modified, pod_list, watch_events

SOURCES = Path(__file__).resolve().parents[3] / "extensions" / "eda" / "plugins" / "event_source"
CONNECTION = {"host": "https://fake-apiserver:6443", "api_key": "test-token"}


def load(name: str) -> t.Dict[str, t.Any]:
    return runpy.run_path(str(SOURCES / (name + ".py")))


def documented_options(source: t.Mapping[str, t.Any]) -> t.Set[str]:
    return set(yaml.safe_load(source["DOCUMENTATION"])["options"])


def test_the_documentation_names_exactly_the_arguments_taken():
    assert documented_options(load("pod_events")) == set(arguments.POD_EVENTS_ARGS)
    assert yaml.safe_load(load("pod_events")["EXAMPLES"])[0]["sources"][0]["kubedebug.ephemeral.pod_events"]["namespace"] == "payments"
    pytest.importorskip("aiohttp", reason="aiohttp comes with ansible-rulebook, in .venv only")
    assert documented_options(load("alertmanager_pods")) == set(arguments.ALERTMANAGER_ARGS)


async def _collect(task: asyncio.Future, queue: asyncio.Queue, count: int, timeout: float = 20) -> t.List[dict]:
    events = []
    try:
        for dummy in range(count):
            events.append((await asyncio.wait_for(queue.get(), timeout))["kubedebug"])
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    return events


def test_pod_events_sends_restarts_and_a_lasting_readiness_loss_and_resumes_after_410():
    main = load("pod_events")["main"]
    now = time.time()
    server = ScriptedServer([
        pod_list("100", pod(ready=True, changed=now - 600)),
        watch_events(modified(pod(restarts=1, ready=True, changed=now - 600), "110"), GONE),
        # After the 410: restarted again, and unready. The condition's time is ahead of this clock (a second later),
        # so the spell counts from when the source saw it and is reported 0.3 s later, by a timer.
        pod_list("300", pod(restarts=2, ready=False, changed=now + 1)),
    ], when_done=lambda: time.sleep(0.05))

    async def scenario() -> t.List[dict]:
        queue: asyncio.Queue = asyncio.Queue()
        task = asyncio.ensure_future(main(queue, {"namespace": "shop", "label_selector": "app=web", "not_ready_seconds": 0.3,
                                                  "dedupe_seconds": 0, **CONNECTION}))
        return await _collect(task, queue, 3)

    with mock.patch.object(_rest, "open_response", server):
        events = asyncio.run(scenario())
    assert [(e["cause"], e["occurrence"]) for e in events][:2] == [("restart", "app:1"), ("restart", "app:2")]
    assert events[2]["cause"] == "not_ready" and now - 1 <= float(events[2]["occurrence"]) <= now + 20
    assert all(e["namespace"] == "shop" and e["pod"] == "web" and e["source"] == "kubedebug.ephemeral.pod_events" for e in events)
    lists = [query for path, query in server.requests if "watch" not in query]
    assert len(lists) >= 2 and all(q["labelSelector"] == "app=web" for q in lists)


def test_pod_events_refuses_bad_arguments_before_any_request():
    server = ScriptedServer([])
    with mock.patch.object(_rest, "open_response", server):
        with pytest.raises(arguments.SourceArgumentError, match="not_ready_seconds must be a number"):
            asyncio.run(load("pod_events")["main"](asyncio.Queue(), {"namespace": "shop", "not_ready_seconds": -5, **CONNECTION}))
    assert server.requests == []


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


PAYLOAD = {"version": "4", "status": "firing", "receiver": "kubedebug", "groupLabels": {}, "commonLabels": {}, "commonAnnotations": {},
           "externalURL": "http://alertmanager:9093", "groupKey": "{}", "truncatedAlerts": 0,
           "alerts": [{"status": "firing", "labels": {"alertname": "KubePodNotReady", "namespace": "payments", "pod": "api-0"},
                       "annotations": {"summary": "not ready"}, "startsAt": "2026-12-07T07:40:00Z", "endsAt": "0001-01-01T00:00:00Z",
                       "fingerprint": "f1"},
                      {"status": "firing", "labels": {"alertname": "NodeDown"}, "fingerprint": "f2"}]}


def test_alertmanager_pods_takes_webhooks_on_127_0_0_1():
    aiohttp = pytest.importorskip("aiohttp", reason="aiohttp comes with ansible-rulebook, in .venv only")
    main = load("alertmanager_pods")["main"]
    port = _free_port()

    async def scenario() -> t.Tuple[t.List[t.Any], t.List[dict]]:
        queue: asyncio.Queue = asyncio.Queue()
        task = asyncio.ensure_future(main(queue, {"port": port, "token": "s3cret", "dedupe_seconds": 0}))
        url = "http://127.0.0.1:{0}".format(port)
        answers = []
        async with aiohttp.ClientSession() as session:
            for dummy in range(100):  # until it listens
                try:
                    async with session.get(url + "/") as response:
                        answers.append((response.status, await response.text()))
                        break
                except aiohttp.ClientConnectionError:
                    await asyncio.sleep(0.05)
            auth = {"Authorization": "Bearer s3cret"}
            for body, headers in ((json.dumps(PAYLOAD), auth), (json.dumps(PAYLOAD), auth), (json.dumps(PAYLOAD), {}),
                                  ("{broken", auth), (json.dumps({"version": "3", "alerts": []}), auth)):
                async with session.post(url + "/alerts", data=body, headers=headers) as response:
                    answers.append((response.status, await response.json()))
        return answers, await _collect(task, queue, 1)

    answers, events = asyncio.run(scenario())
    assert answers[0] == (200, "up")
    assert answers[1] == (202, {"accepted": 1, "ignored": ["alerts[1] NodeDown: no 'namespace' and 'pod' labels naming the pod"]})
    # Alertmanager sends a firing alert again at its repeat_interval: the same alert is not sent on twice.
    assert answers[2][0] == 202 and answers[2][1]["accepted"] == 0 and "already sent" in answers[2][1]["ignored"][1]
    assert answers[3] == (401, {"error": "missing or wrong bearer token"})
    assert answers[4][0] == 400 and "not an Alertmanager webhook payload" in answers[4][1]["error"]
    assert "payload version '3' is not supported" in answers[5][1]["error"]
    assert [(e["namespace"], e["pod"], e["cause"], e["reason"]) for e in events] == [("payments", "api-0", "alert", "KubePodNotReady")]
