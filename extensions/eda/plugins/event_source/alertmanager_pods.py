# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""ansible-rulebook event source: Prometheus Alertmanager webhooks whose alerts name a namespace and a pod."""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import os
import sys
import time
import typing as t

from aiohttp import web

DOCUMENTATION = r"""
---
short_description: Events from Prometheus Alertmanager webhooks, one per firing alert that names a pod.
description:
  - An ansible-rulebook event source. It serves HTTP on I(host) and I(port) and takes the JSON payload Alertmanager's
    C(webhook_config) sends (version 4) on any path (C(POST)); C(GET /) answers C(up).
  - "Each firing alert whose labels name a namespace and a pod (I(namespace_label), I(pod_label); kube-state-metrics
    and the kube-prometheus rules use C(namespace) and C(pod)) becomes one event
    C({kubedebug: {namespace, pod, cause: alert, container, detail, reason, occurrence, at, source}}), the same shape
    as C(kubedebug.ephemeral.pod_events), with C(reason) the alert's C(alertname) and C(detail) its summary."
  - Alertmanager sends a firing alert again at every C(repeat_interval) and when its group changes; the same alert
    (fingerprint and start) is sent on only once, and another alert for the same pod within I(dedupe_seconds) is
    held back.
  - 'The answer is C(202) with C({"accepted": N, "ignored": [...]}) naming each alert not taken and why, C(400) for a
    body that is not a version 4 payload, C(401) without the I(token).'
options:
  host:
    description: The address to listen on. Only this machine by default; give C(0.0.0.0) for every address.
    type: str
    default: 127.0.0.1
  port:
    description: The TCP port to listen on.
    type: int
    default: 5001
  namespaces:
    description: Take alerts only for pods in these namespaces; empty takes every namespace.
    type: list
    elements: str
    default: []
  namespace_label:
    description: The alert label that names the pod's namespace.
    type: str
    default: namespace
  pod_label:
    description: The alert label that names the pod.
    type: str
    default: pod
  container_label:
    description: The alert label that names the container, when there is one.
    type: str
    default: container
  token:
    description:
      - When set, requests must carry C(Authorization Bearer <token>) (Alertmanager's C(http_config.authorization)).
    type: str
  include_resolved:
    description: Also take resolved alerts (by default only firing ones).
    type: bool
    default: false
  dedupe_seconds:
    description: Another alert for the same pod within this many seconds is held back.
    type: float
    default: 300
"""

EXAMPLES = r"""
- name: Thread dumps when Prometheus alerts on a pod
  hosts: localhost
  sources:
    - kubedebug.ephemeral.alertmanager_pods:
        port: 5001
        namespaces: [payments]
  rules:
    - name: Print the alert
      condition: event.kubedebug is defined
      action:
        debug:
          msg: "{{ event.kubedebug.reason }} on {{ event.kubedebug.namespace }}/{{ event.kubedebug.pod }}"
"""

LOG = logging.getLogger("kubedebug.ephemeral.alertmanager_pods")


def _collection_importable() -> None:
    """ansible-rulebook runs this file by path (runpy), outside any package: put the directory holding the
    ansible_collections it was found in on sys.path, so the collection's module_utils import. Not resolved: the
    collection directory may be a symlink."""
    collections = os.path.abspath(__file__)
    for dummy in range(7):  # event_source, plugins, eda, extensions, <name>, <namespace>, ansible_collections
        collections = os.path.dirname(collections)
    if os.path.basename(collections) == "ansible_collections" and os.path.dirname(collections) not in sys.path:
        sys.path.insert(0, os.path.dirname(collections))


def application(queue: t.Any, parsed: t.Any, clock: t.Callable[[], float] = time.time) -> web.Application:
    """The web application: one handler for every POST path, and GET / for a health check."""
    from ansible_collections.kubedebug.ephemeral.plugins.module_utils._eda import alertmanager
    from ansible_collections.kubedebug.ephemeral.plugins.module_utils._eda.dedupe import Dedupe

    dedupe = Dedupe(parsed.dedupe_seconds)

    async def status(dummy_request: web.Request) -> web.Response:
        return web.Response(text="up")

    async def receive(request: web.Request) -> web.Response:
        if parsed.token and not hmac.compare_digest(request.headers.get("Authorization", ""), "Bearer " + parsed.token):
            return web.json_response({"error": "missing or wrong bearer token"}, status=401)
        try:
            payload = json.loads(await request.text())
            found = alertmanager.parse(payload, parsed.labels, parsed.namespaces, include_resolved=parsed.include_resolved)
        except (ValueError, alertmanager.PayloadError) as exc:
            return web.json_response({"error": "not an Alertmanager webhook payload: {0}".format(exc)}, status=400)
        accepted = 0
        ignored = list(found.ignored)
        for trigger in found.triggers:
            why = dedupe.admit(trigger, clock())
            if why is not None:
                ignored.append("{0} on {1}/{2}: {3}".format(trigger.reason or "alert", trigger.namespace, trigger.pod, why))
                continue
            LOG.info("sending: %s/%s %s", trigger.namespace, trigger.pod, trigger.detail)
            await queue.put(trigger.event())
            accepted += 1
        for line in ignored:
            LOG.info("not sent: %s", line)
        return web.json_response({"accepted": accepted, "ignored": ignored}, status=202)

    app = web.Application()
    app.router.add_get("/", status)
    app.router.add_post("/{path:.*}", receive)
    return app


async def main(queue: t.Any, args: t.Dict[str, t.Any]) -> None:
    """ansible-rulebook's entry point: serve until cancelled."""
    _collection_importable()
    from ansible_collections.kubedebug.ephemeral.plugins.module_utils._eda import arguments

    parsed = arguments.alertmanager(args)
    runner = web.AppRunner(application(queue, parsed))
    await runner.setup()
    try:
        await web.TCPSite(runner, parsed.host, parsed.port).start()
        LOG.info("listening for Alertmanager webhooks on %s:%s", parsed.host, parsed.port)
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()


if __name__ == "__main__":
    # Print the events: python alertmanager_pods.py [PORT]

    class _PrintQueue:
        async def put(self, event: t.Dict[str, t.Any]) -> None:
            print(event)  # noqa: T201

    logging.basicConfig(level=logging.INFO)
    asyncio.run(main(_PrintQueue(), {"port": int(sys.argv[1]) if len(sys.argv) > 1 else 5001}))
