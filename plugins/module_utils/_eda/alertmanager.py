# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Prometheus Alertmanager's webhook payload (version 4, as its webhook_config documents it) into triggers, one per
firing alert whose labels name a namespace and a pod (pure).

A payload: ``{"version": "4", "groupKey": ..., "status": "firing", "receiver": ..., "groupLabels": {...},
"commonLabels": {...}, "commonAnnotations": {...}, "externalURL": ..., "truncatedAlerts": 0, "alerts": [{"status":
"firing", "labels": {...}, "annotations": {...}, "startsAt": ..., "endsAt": ..., "generatorURL": ...,
"fingerprint": ...}]}``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import typing as t

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._eda.trigger import CAUSE_ALERT, Trigger

PAYLOAD_VERSION = "4"
# DNS-1123 label (namespaces) and subdomain (pod names): anything else cannot name a pod, and is refused before it
# reaches a selector.
_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")
_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$")


class PayloadError(ValueError):
    """The request is not an Alertmanager webhook payload; the message says what is wrong (answered with 400)."""


@dataclasses.dataclass(frozen=True)
class LabelNames:
    namespace: str = "namespace"
    pod: str = "pod"
    container: str = "container"


@dataclasses.dataclass
class Parsed:
    triggers: t.List[Trigger] = dataclasses.field(default_factory=list)
    ignored: t.List[str] = dataclasses.field(default_factory=list)  # one line per alert not taken, with the reason


def _fingerprint(alert: t.Mapping[str, t.Any]) -> str:
    if alert.get("fingerprint"):
        return str(alert["fingerprint"])
    labels = json.dumps(alert.get("labels") or {}, sort_keys=True)
    return hashlib.sha256(labels.encode("utf-8")).hexdigest()[:16]


def _alert_trigger(alert: t.Mapping[str, t.Any], names: LabelNames, namespaces: t.Collection[str], source: str,
                   include_resolved: bool) -> t.Tuple[t.Optional[Trigger], str]:
    labels = alert.get("labels") if isinstance(alert.get("labels"), dict) else {}
    alertname = str(labels.get("alertname") or "")
    title = alertname or "an alert without alertname"
    status = alert.get("status") or "firing"
    if status != "firing" and not include_resolved:
        return None, "{0}: status {1} (only firing alerts trigger; include_resolved takes resolved ones too)".format(title, status)
    namespace, pod = str(labels.get(names.namespace) or ""), str(labels.get(names.pod) or "")
    if not namespace or not pod:
        return None, "{0}: no {1!r} and {2!r} labels naming the pod".format(title, names.namespace, names.pod)
    if not _LABEL.match(namespace) or not _SUBDOMAIN.match(pod):
        return None, "{0}: {1}/{2} is not a namespace and pod name".format(title, namespace[:80], pod[:80])
    if namespaces and namespace not in namespaces:
        return None, "{0}: namespace {1} is not in the source's namespaces".format(title, namespace)
    annotations = alert.get("annotations") if isinstance(alert.get("annotations"), dict) else {}
    text = str(annotations.get("summary") or annotations.get("description") or "")
    detail = "alert {0} {1}{2}".format(title, status, ": " + " ".join(text.split())[:500] if text else "")
    return Trigger(
        namespace=namespace, pod=pod, cause=CAUSE_ALERT,
        occurrence="{0}:{1}:{2}".format(_fingerprint(alert), alert.get("startsAt") or "", status),
        detail=detail, source=source, container=str(labels.get(names.container) or ""), reason=alertname,
        at=str(alert.get("startsAt") or ""),
    ), ""


def parse(payload: t.Any, names: LabelNames = LabelNames(), namespaces: t.Collection[str] = (),
          source: str = "kubedebug.ephemeral.alertmanager_pods", include_resolved: bool = False) -> Parsed:
    """Triggers of a decoded payload; raise PayloadError when it is not a version 4 payload at all."""
    if not isinstance(payload, dict):
        raise PayloadError("the body is not a JSON object (Alertmanager sends one, with an 'alerts' list)")
    version = payload.get("version")
    if version is not None and str(version) != PAYLOAD_VERSION:
        raise PayloadError("payload version {0!r} is not supported; Alertmanager's webhook sends version {1!r}".format(
            version, PAYLOAD_VERSION))
    alerts = payload.get("alerts")
    if not isinstance(alerts, list):
        raise PayloadError("the payload has no 'alerts' list")
    parsed = Parsed()
    for index, alert in enumerate(alerts):
        if not isinstance(alert, dict):
            parsed.ignored.append("alerts[{0}]: not an object".format(index))
            continue
        trigger, why = _alert_trigger(alert, names, namespaces, source, include_resolved)
        if trigger is None:
            parsed.ignored.append("alerts[{0}] {1}".format(index, why))
        else:
            parsed.triggers.append(trigger)
    return parsed
