# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The pod_events source's state (pure, no I/O, no clock of its own): what each watched pod looked like last, which
triggers were sent, and when a not-ready spell becomes due. The source feeds it what the watches deliver and
sends what it answers; the answer also says when to look again at a pod that is not ready (a timer, not a poll).

Pods that were there before the source started are taken as they are: their restarts so far and a readiness they
never had are not news. A pod created after the start is compared with an empty pod, so its first restart counts.
"""

from __future__ import annotations

import dataclasses
import math
import typing as t

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api.pod import key as pod_key
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api.times import parse_time
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._eda import pod_changes
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._eda.dedupe import Dedupe
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._eda.kube_events import event_trigger
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._eda.trigger import CAUSE_EVENT, CAUSE_NOT_READY, Trigger

PodKey = t.Tuple[str, str]


@dataclasses.dataclass(frozen=True)
class Settings:
    causes: t.FrozenSet[str]
    not_ready_seconds: float
    event_reasons: t.Tuple[str, ...]
    dedupe_seconds: float
    source: str = "kubedebug.ephemeral.pod_events"


@dataclasses.dataclass
class Step:
    """What to do after one delivery: events to send, pods to look at again after a delay, triggers held back."""

    send: t.List[Trigger] = dataclasses.field(default_factory=list)
    timers: t.List[t.Tuple[float, PodKey]] = dataclasses.field(default_factory=list)
    held: t.List[t.Tuple[Trigger, str]] = dataclasses.field(default_factory=list)

    def merge(self, other: "Step") -> "Step":
        self.send += other.send
        self.timers += other.timers
        self.held += other.held
        return self


class PodTriggers:
    def __init__(self, settings: Settings, started_at: float) -> None:
        self.settings = settings
        self.started_at = started_at
        self.dedupe = Dedupe(settings.dedupe_seconds)
        self.memories: t.Dict[PodKey, pod_changes.PodMemory] = {}
        self.pods: t.Dict[PodKey, t.Mapping[str, t.Any]] = {}
        self.events_known = False  # the first list of Events is what was there before

    # ---- pods ----------------------------------------------------------------------------------

    def _created_after_start(self, pod: t.Mapping[str, t.Any]) -> bool:
        created = parse_time((pod.get("metadata") or {}).get("creationTimestamp"))
        # creationTimestamp has whole seconds: a pod created after the start is never earlier than its second.
        return created is not None and created.timestamp() >= math.floor(self.started_at)

    def _offer(self, triggers: t.Iterable[Trigger], now: float, step: Step) -> None:
        for trigger in triggers:
            if trigger.cause not in self.settings.causes:
                continue
            why = self.dedupe.admit(trigger, now)
            if why is None:
                step.send.append(trigger)
            else:
                step.held.append((trigger, why))

    def _look(self, pod: t.Mapping[str, t.Any], now: float) -> Step:
        step = Step()
        key = pod_key(pod)
        uid = (pod.get("metadata") or {}).get("uid") or ""
        before = self.memories.get(key)
        if before is not None and before.uid != uid:
            before = pod_changes.empty_memory(uid)  # the same name, another pod (a StatefulSet's replacement)
        elif before is None and self._created_after_start(pod):
            before = pod_changes.empty_memory(uid)
        after = pod_changes.remember(pod, before, now)
        self.memories[key], self.pods[key] = after, pod
        if before is None or pod_changes.is_terminating(pod):
            return step  # taken as it is (see the module's docstring), or on its way out
        self._offer(pod_changes.changes(pod, before, after, self.settings.source), now, step)
        if after.not_ready_since is not None and after.not_ready_since != before.not_ready_since:
            step.merge(self._readiness(key, now))
        return step

    def _readiness(self, key: PodKey, now: float) -> Step:
        step = Step()
        memory, pod = self.memories.get(key), self.pods.get(key)
        if CAUSE_NOT_READY not in self.settings.causes or memory is None or pod is None or memory.not_ready_since is None:
            return step
        if pod_changes.is_terminating(pod):
            return step
        due = pod_changes.not_ready_due(pod, memory, now, self.settings.not_ready_seconds, self.settings.source)
        if due is not None:
            self._offer([due], now, step)
        else:
            step.timers.append((max(0.0, memory.not_ready_since + self.settings.not_ready_seconds - now), key))
        return step

    def _forget(self, key: PodKey) -> None:
        self.memories.pop(key, None)
        self.pods.pop(key, None)
        self.dedupe.forget_pod(*key)

    def pods_listed(self, pods: t.Iterable[t.Mapping[str, t.Any]], now: float) -> Step:
        """A LIST: the first one, or the one after the watch lost its place (410 Gone); the memories carry over, so
        what changed meanwhile is found, and pods no longer listed are forgotten."""
        step = Step()
        listed = set()
        for pod in pods:
            listed.add(pod_key(pod))
            step.merge(self._look(pod, now))
        for key in [k for k in self.memories if k not in listed]:
            self._forget(key)
        return step

    def pod_changed(self, kind: str, pod: t.Mapping[str, t.Any], now: float) -> Step:
        """One watch event: ADDED, MODIFIED or DELETED (also sent when a pod stops matching the selector)."""
        if kind == "DELETED":
            self._forget(pod_key(pod))
            return Step()
        return self._look(pod, now)

    def readiness_timer(self, key: PodKey, now: float) -> Step:
        """A timer set by an earlier step went off: is the pod still not ready, and for long enough?"""
        return self._readiness(key, now)

    # ---- Kubernetes Events ---------------------------------------------------------------------

    def _event_trigger(self, event: t.Mapping[str, t.Any]) -> t.Optional[Trigger]:
        if CAUSE_EVENT not in self.settings.causes:
            return None
        trigger = event_trigger(event, self.settings.event_reasons, self.settings.source)
        # Only pods the selector chose (an Event cannot be selected by its pod's labels).
        if trigger is None or trigger.pod_key not in self.memories:
            return None
        return trigger

    def events_listed(self, events: t.Iterable[t.Mapping[str, t.Any]], now: float) -> Step:
        step = Step()
        triggers = [tr for tr in (self._event_trigger(e) for e in events) if tr is not None]
        if not self.events_known:
            for trigger in triggers:
                self.dedupe.seen(trigger)
            self.events_known = True
            return step
        self._offer(triggers, now, step)
        return step

    def event_changed(self, kind: str, event: t.Mapping[str, t.Any], now: float) -> Step:
        step = Step()
        trigger = self._event_trigger(event) if kind in ("ADDED", "MODIFIED") else None
        if trigger is not None:
            self._offer([trigger], now, step)
        return step
