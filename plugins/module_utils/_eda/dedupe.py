# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""One event per pod and cause: the same happening is never sent twice (a re-list after 410 Gone, an Event updated
again), and another happening of the same cause to the same pod within ``window`` seconds is held back."""

from __future__ import annotations

import collections
import typing as t

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._eda.trigger import Trigger

# Identities remembered; the oldest go first. Enough for thousands of pods' recent history, bounded in memory.
MAX_REMEMBERED = 20000


class Dedupe:
    def __init__(self, window: float, max_remembered: int = MAX_REMEMBERED) -> None:
        self.window = window
        self.max_remembered = max_remembered
        self._seen: "collections.OrderedDict[t.Tuple[str, str, str, str, str], None]" = collections.OrderedDict()
        self._last_sent: t.Dict[t.Tuple[str, str, str], float] = {}
        self.held_back = 0

    def _remember(self, trigger: Trigger) -> None:
        self._seen[trigger.identity] = None
        self._seen.move_to_end(trigger.identity)
        while len(self._seen) > self.max_remembered:
            self._seen.popitem(last=False)

    def seen(self, trigger: Trigger) -> None:
        """Known without being sent (what was already there when the source started)."""
        self._remember(trigger)

    def admit(self, trigger: Trigger, now: float) -> t.Optional[str]:
        """None when ``trigger`` is to be sent (and remember it), else why not."""
        if trigger.identity in self._seen:
            return "already sent"
        self._remember(trigger)
        cause_key = (trigger.namespace, trigger.pod, trigger.cause)
        last = self._last_sent.get(cause_key)
        if last is not None and now - last < self.window:
            self.held_back += 1
            return "{0} of {1}/{2} sent {3:.0f} s ago (dedupe_seconds {4:g})".format(
                trigger.cause, trigger.namespace, trigger.pod, now - last, self.window)
        self._last_sent[cause_key] = now
        return None

    def forget_pod(self, namespace: str, pod: str) -> None:
        """A pod that is gone: a new pod of that name starts afresh (its identities carry the new counts)."""
        for cause_key in [k for k in self._last_sent if k[:2] == (namespace, pod)]:
            del self._last_sent[cause_key]
