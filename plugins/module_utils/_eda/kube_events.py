# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A Kubernetes Event (core/v1) about a pod, with one of the reasons asked for, as a trigger (pure)."""

from __future__ import annotations

import re
import typing as t

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._eda.trigger import CAUSE_EVENT, Trigger

# The kubelet names the container in the field path: spec.containers{app}, spec.initContainers{init}.
_FIELD_PATH = re.compile(r"^spec\.(?:containers|initContainers|ephemeralContainers)\{([^}]+)\}$")


def event_trigger(event: t.Mapping[str, t.Any], reasons: t.Collection[str], source: str) -> t.Optional[Trigger]:
    involved = event.get("involvedObject") or {}
    reason = event.get("reason") or ""
    if involved.get("kind") != "Pod" or reason not in reasons or not involved.get("name"):
        return None
    meta = event.get("metadata") or {}
    series = event.get("series") or {}
    # An Event repeated by its reporter keeps its object and counts up: each count is another happening.
    count = event.get("count") or series.get("count") or 1
    match = _FIELD_PATH.match(involved.get("fieldPath") or "")
    message = " ".join(str(event.get("message") or "").split())
    return Trigger(
        namespace=involved.get("namespace") or meta.get("namespace") or "",
        pod=involved["name"],
        cause=CAUSE_EVENT,
        occurrence="{0}:{1}".format(meta.get("uid") or meta.get("name") or "", count),
        detail="Event {0}{1}: {2}".format(reason, " (x{0})".format(count) if count > 1 else "", message[:500]),
        source=source,
        container=match.group(1) if match else "",
        reason=reason,
        uid=involved.get("uid") or "",
        at=event.get("lastTimestamp") or series.get("lastObservedTime") or event.get("eventTime") or meta.get("creationTimestamp") or "",
    )
