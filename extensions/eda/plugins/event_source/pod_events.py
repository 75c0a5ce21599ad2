# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""ansible-rulebook event source: pods that restart, lose readiness, are OOM-killed or get a given Event."""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import threading
import time
import typing as t

DOCUMENTATION = r"""
---
short_description: Events when watched pods restart, stay unready, are OOM-killed or get a given Kubernetes Event.
description:
  - An ansible-rulebook event source. It watches the pods of one namespace that match a label selector (one LIST, then
    WATCH requests; no polling) and puts one event on the queue for each happening (a container's restart count
    rose, the pod lost its readiness and stayed unready for I(not_ready_seconds), a container was OOM-killed, or a
    Kubernetes Event with one of I(event_reasons) was recorded for the pod).
  - "Each event is C({kubedebug: {namespace, pod, cause, container, detail, reason, occurrence, uid, at, source}}),
    C(cause) one of C(restart), C(not_ready), C(oom_killed), C(event); the rulebook
    C(kubedebug.ephemeral.capture_on_trigger) runs the diagnostics role for the pod."
  - One event per pod and cause. The same happening is never sent twice; another happening of the same cause to the
    same pod within I(dedupe_seconds) is held back (logged).
  - Pods there before the source started are taken as they are, their restarts so far are not news; a pod that was
    not ready when the source started is reported only after it has been ready once. Pods created later are
    compared with an empty pod, so their first restart counts.
  - When the API server has dropped the watch's place (410 Gone), the source lists again and keeps what it remembers,
    so a change made meanwhile is still sent, once. An API server that cannot be reached is tried again; an error
    that will not go away (a missing permission, a missing namespace) stops the source with its message.
  - Needs the C(kubernetes) Python client (C(requirements.txt) of the collection) where ansible-rulebook runs, and
    C(list) and C(watch) on C(pods) (and on C(events) with I(event_reasons)) in the namespace.
options:
  namespace:
    description: The namespace whose pods are watched.
    type: str
    required: true
  label_selector:
    description: Which pods, such as C(app=payments); empty means every pod of the namespace.
    type: str
    default: ""
  causes:
    description:
      - What to report. Default C(restart), C(not_ready), C(oom_killed), and C(event) when I(event_reasons) is set.
    type: list
    elements: str
    choices: [restart, not_ready, oom_killed, event]
  not_ready_seconds:
    description: How long a pod that was ready must stay unready before it is reported; 0 reports the flip at once.
    type: float
    default: 30
  event_reasons:
    description: Reasons of Kubernetes Events (core/v1) about the selected pods that are reported, such as C(BackOff).
    type: list
    elements: str
    default: []
  dedupe_seconds:
    description: Another happening of the same cause to the same pod within this many seconds is held back.
    type: float
    default: 300
  kubeconfig:
    description: Path of a kubeconfig file; else C(K8S_AUTH_KUBECONFIG), then in-cluster, then C(~/.kube/config).
    type: str
  context:
    description: The kubeconfig context; else C(K8S_AUTH_CONTEXT).
    type: str
  host:
    description: The API server URL; else C(K8S_AUTH_HOST).
    type: str
  api_key:
    description: A bearer token; else C(K8S_AUTH_API_KEY).
    type: str
  validate_certs:
    description: Verify the API server's certificate; else C(K8S_AUTH_VALIDATE_CERTS).
    type: bool
  ca_cert:
    description: CA certificate file; else C(K8S_AUTH_CA_CERT).
    type: str
  client_cert:
    description: Client certificate file; else C(K8S_AUTH_CLIENT_CERT).
    type: str
  client_key:
    description: Client key file; else C(K8S_AUTH_CLIENT_KEY).
    type: str
  impersonate_user:
    description: Impersonate this user; else C(K8S_AUTH_IMPERSONATE_USER).
    type: str
"""

EXAMPLES = r"""
- name: Thread dumps of payments pods that get stuck
  hosts: localhost
  sources:
    - kubedebug.ephemeral.pod_events:
        namespace: payments
        label_selector: app=payments
        not_ready_seconds: 30
        event_reasons: [BackOff]
  rules:
    - name: Print what happened
      condition: event.kubedebug is defined
      action:
        debug:
          msg: "{{ event.kubedebug.namespace }}/{{ event.kubedebug.pod }}: {{ event.kubedebug.detail }}"
"""

LOG = logging.getLogger("kubedebug.ephemeral.pod_events")


def _collection_importable() -> None:
    """ansible-rulebook runs this file by path (runpy), outside any package: put the directory holding the
    ansible_collections it was found in on sys.path, so the collection's module_utils import as they do for the
    modules. The path is not resolved: the collection directory may be a symlink."""
    collections = os.path.abspath(__file__)
    for dummy in range(7):  # event_source, plugins, eda, extensions, <name>, <namespace>, ansible_collections
        collections = os.path.dirname(collections)
    if os.path.basename(collections) == "ansible_collections" and os.path.dirname(collections) not in sys.path:
        sys.path.insert(0, os.path.dirname(collections))


class PodEventsSource:
    """The glue between the watch threads, the tracker (pure state) and ansible-rulebook's queue. Every change of
    state happens on the event loop: the threads only hand over what they received."""

    def __init__(self, queue: t.Any, parsed: t.Any, api_client: t.Any, loop: asyncio.AbstractEventLoop,
                 clock: t.Callable[[], float] = time.time) -> None:
        from ansible_collections.kubedebug.ephemeral.plugins.module_utils._eda.tracker import PodTriggers
        from ansible_collections.kubedebug.ephemeral.plugins.module_utils._eda.trigger import CAUSE_EVENT
        from ansible_collections.kubedebug.ephemeral.plugins.module_utils._eda.watch import ListWatch

        self.queue = queue
        self.loop = loop
        self.clock = clock
        self.tracker = PodTriggers(parsed.settings, started_at=clock())
        self.outbox: asyncio.Queue = asyncio.Queue()
        self.timers: t.Dict[t.Tuple[str, str], asyncio.TimerHandle] = {}
        self.namespace = parsed.namespace
        self.watches = [ListWatch(api_client, "pods", parsed.namespace, self._handing(self._pods_listed),
                                  self._handing(self.tracker.pod_changed), label_selector=parsed.label_selector)]
        if CAUSE_EVENT in parsed.settings.causes:
            self.watches.append(ListWatch(api_client, "events", parsed.namespace, self._handing(self.tracker.events_listed),
                                          self._handing(self.tracker.event_changed), field_selector="involvedObject.kind=Pod"))

    def _pods_listed(self, pods: t.List[t.Dict[str, t.Any]], now: float) -> t.Any:
        watch = self.watches[0]
        LOG.info("listed %d pod(s) in %s (list %d, resumed after 410 Gone %d time(s))", len(pods), self.namespace, watch.lists,
                 watch.resumed_after_gone)
        return self.tracker.pods_listed(pods, now)

    def _handing(self, method: t.Callable[..., t.Any]) -> t.Callable[..., None]:
        """A callback for a watch thread: the work is done on the loop, with the time it is done at."""
        def hand_over(*args: t.Any) -> None:
            self.loop.call_soon_threadsafe(lambda: self._act(method(*args, now=self.clock())))
        return hand_over

    def _start(self, watch: t.Any) -> asyncio.Future:
        """Run one watch in a daemon thread (a blocked read must not hold up ansible-rulebook's exit); the future
        ends with the watch's error."""
        future = self.loop.create_future()

        def settle(error: t.Optional[BaseException]) -> None:
            if future.done():
                return
            if error is not None:
                future.set_exception(error)
            else:
                future.set_result(None)

        def run() -> None:
            error = None
            try:
                watch.run()
            except Exception as exc:  # handed to the loop, which raises it to ansible-rulebook
                error = exc
            try:
                self.loop.call_soon_threadsafe(settle, error)
            except RuntimeError:
                pass  # the loop is closed: ansible-rulebook is shutting down
        threading.Thread(target=run, name="kubedebug-watch-" + watch.resource, daemon=True).start()
        return future

    def _act(self, step: t.Any) -> None:
        for trigger, why in step.held:
            LOG.info("not sent: %s/%s %s (%s): %s", trigger.namespace, trigger.pod, trigger.cause, trigger.detail, why)
        for trigger in step.send:
            LOG.info("sending: %s/%s %s: %s", trigger.namespace, trigger.pod, trigger.cause, trigger.detail)
            self.outbox.put_nowait(trigger)
        for delay, key in step.timers:
            old = self.timers.pop(key, None)
            if old is not None:
                old.cancel()
            self.timers[key] = self.loop.call_later(delay, self._timer, key)

    def _timer(self, key: t.Tuple[str, str]) -> None:
        self.timers.pop(key, None)
        self._act(self.tracker.readiness_timer(key, now=self.clock()))

    async def _forward(self) -> None:
        while True:
            trigger = await self.outbox.get()
            await self.queue.put(trigger.event())

    async def run(self) -> None:
        """Until cancelled, or until a watch fails for good (its error is raised here)."""
        forward = asyncio.ensure_future(self._forward())
        threads = [self._start(watch) for watch in self.watches]
        try:
            done, dummy = await asyncio.wait([forward, *threads], return_when=asyncio.FIRST_EXCEPTION)
            for finished in done:
                finished.result()
        finally:
            for watch in self.watches:
                watch.stop()
            for handle in self.timers.values():
                handle.cancel()
            forward.cancel()


async def main(queue: t.Any, args: t.Dict[str, t.Any]) -> None:
    """ansible-rulebook's entry point."""
    _collection_importable()
    from ansible_collections.kubedebug.ephemeral.plugins.module_utils._core.connection import create_api_client
    from ansible_collections.kubedebug.ephemeral.plugins.module_utils._core.errors import KubedebugError
    from ansible_collections.kubedebug.ephemeral.plugins.module_utils._eda import arguments

    parsed = arguments.pod_events(args)
    try:
        api_client = create_api_client(parsed.connection)
    except KubedebugError as exc:
        raise arguments.SourceArgumentError(
            "kubedebug.ephemeral.pod_events: {0}. Give the argument kubeconfig (or set K8S_AUTH_KUBECONFIG or KUBECONFIG), "
            "or run ansible-rulebook in a pod with a ServiceAccount".format(exc.msg)) from exc
    LOG.info("watching pods in %s (%s)", parsed.namespace, parsed.label_selector or "every pod")
    await PodEventsSource(queue, parsed, api_client, asyncio.get_running_loop()).run()


if __name__ == "__main__":
    # Print the events for a namespace: python pod_events.py NAMESPACE [LABEL_SELECTOR]

    class _PrintQueue:
        async def put(self, event: t.Dict[str, t.Any]) -> None:
            print(event)  # noqa: T201

    logging.basicConfig(level=logging.INFO)
    asyncio.run(main(_PrintQueue(), {"namespace": sys.argv[1], "label_selector": sys.argv[2] if len(sys.argv) > 2 else ""}))
