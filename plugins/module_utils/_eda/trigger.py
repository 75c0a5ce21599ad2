# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What a trigger is: one happening to one pod (a restart, a readiness loss, an OOM kill, a Kubernetes Event, an
alert), and the event both event sources put on ansible-rulebook's queue for it, so one rule serves both."""

from __future__ import annotations

import dataclasses
import typing as t

CAUSE_RESTART = "restart"
CAUSE_NOT_READY = "not_ready"
CAUSE_OOM_KILLED = "oom_killed"
CAUSE_EVENT = "event"
CAUSE_ALERT = "alert"
POD_CAUSES = (CAUSE_RESTART, CAUSE_NOT_READY, CAUSE_OOM_KILLED, CAUSE_EVENT)

# The key of the rulebook event that holds the trigger (``event.kubedebug`` in a rule's condition).
EVENT_KEY = "kubedebug"


@dataclasses.dataclass(frozen=True)
class Trigger:
    """One happening. ``occurrence`` tells it from the next happening of the same cause to the same pod (the restart
    count, the start of a not-ready spell, an Event's uid and count, an alert's fingerprint and start)."""

    namespace: str
    pod: str
    cause: str
    occurrence: str
    detail: str
    source: str
    container: str = ""
    reason: str = ""
    uid: str = ""
    at: str = ""  # when it happened, RFC 3339, as the API or the alert says (else when it was seen)

    @property
    def pod_key(self) -> t.Tuple[str, str]:
        return self.namespace, self.pod

    @property
    def identity(self) -> t.Tuple[str, str, str, str, str]:
        """The same happening seen twice (a re-list, a repeated update) has the same identity; a new pod of the
        same name (a StatefulSet's) has another uid."""
        return self.namespace, self.pod, self.uid, self.cause, self.occurrence

    def event(self) -> t.Dict[str, t.Any]:
        """The event for ansible-rulebook's queue. No ``meta.hosts``: that would limit the playbook's hosts."""
        return {EVENT_KEY: dataclasses.asdict(self)}
