# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Isolating a pod, decided before anything is written. Pure: no API calls.

Isolation takes a stuck pod out of traffic and out of its ReplicaSet while it stays for inspection: the labels its
ReplicaSet's selector and its Services' selectors use are removed, so the EndpointSlice controller drops it and the
ReplicaSet controller releases it (it clears the ownerReference of a pod that no longer matches) and starts a
replacement. The removed labels are kept in an annotation, and a label marks the pod as isolated, which is also how a
second run knows there is nothing left to do (the pod has no owner by then).

Only ReplicaSet pods: a StatefulSet's replacement would have the same name and cannot start while the pod exists, a
bare pod has nothing to replace it, and other controllers are refused rather than guessed at."""

from __future__ import annotations

import json
import typing as t
from dataclasses import dataclass, field

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api import pod as _pod

ISOLATED_LABEL = _pod.ISOLATED_LABEL
ISOLATED_ANNOTATION = _pod.ISOLATED_ANNOTATION


@dataclass
class IsolationPlan:
    namespace: str
    pod: str
    owner: t.Optional[t.Dict[str, str]]
    already: bool = False
    refused: t.Optional[str] = None
    remove: t.Dict[str, str] = field(default_factory=dict)  # label -> its value, as the pod had it
    services: t.List[str] = field(default_factory=list)

    def patch(self) -> t.Dict[str, t.Any]:
        """The merge patch: the labels removed (null), the isolated label, and the record of what was removed."""
        labels: t.Dict[str, t.Any] = {key: None for key in sorted(self.remove)}
        labels[ISOLATED_LABEL] = "true"
        record = {"owner": self.owner, "labels": dict(sorted(self.remove.items())), "services": self.services}
        return {"metadata": {"labels": labels, "annotations": {ISOLATED_ANNOTATION: json.dumps(record, sort_keys=True)}}}


def controller(pod: t.Mapping[str, t.Any]) -> t.Optional[t.Dict[str, str]]:
    for owner in (pod.get("metadata") or {}).get("ownerReferences") or []:
        if owner.get("controller"):
            return {"kind": owner.get("kind", ""), "name": owner.get("name", "")}
    return None


def labels_of(pod: t.Mapping[str, t.Any]) -> t.Dict[str, str]:
    return dict((pod.get("metadata") or {}).get("labels") or {})


def selects(selector: t.Mapping[str, str], labels: t.Mapping[str, str]) -> bool:
    """A Service's selector (a plain map): an empty one selects nothing (its endpoints are managed by hand)."""
    return bool(selector) and all(labels.get(key) == value for key, value in selector.items())


def selector_keys(label_selector: t.Mapping[str, t.Any], labels: t.Mapping[str, str]) -> t.List[str]:
    """The keys of a ReplicaSet's selector whose removal makes the pod stop matching it: every matchLabels key, and
    the keys of In and Exists expressions the pod has."""
    keys = set((label_selector.get("matchLabels") or {}).keys())
    for expression in label_selector.get("matchExpressions") or []:
        if expression.get("operator") in ("In", "Exists") and expression.get("key") in labels:
            keys.add(expression["key"])
    return sorted(keys)


def refusal(pod: t.Mapping[str, t.Any], owner: t.Optional[t.Dict[str, str]]) -> t.Optional[str]:
    namespace, name = _pod.key(pod)
    where = "{0}/{1}".format(namespace, name)
    if (pod.get("metadata") or {}).get("deletionTimestamp"):
        return "pod {0} is terminating; there is nothing to isolate".format(where)
    if _pod.is_static(pod):
        return "pod {0} is a static (mirror) pod; it belongs to its node's kubelet and cannot be isolated".format(where)
    if owner is None:
        return ("pod {0} is a bare pod: nothing would start a replacement, so isolating it would only take it out of "
                "its Services; debug it where it is".format(where))
    if owner["kind"] == "StatefulSet":
        return ("pod {0} belongs to StatefulSet {1}: its replacement would need the same name ({2}) and could not "
                "start while this pod exists; debug it where it is".format(where, owner["name"], name))
    if owner["kind"] != "ReplicaSet":
        return ("pod {0} is owned by {1} {2}; only ReplicaSet (Deployment) pods can be isolated, because only there "
                "a label change is known to start a replacement and keep this pod".format(where, owner["kind"], owner["name"]))
    return None


def plan(pod: t.Mapping[str, t.Any], replica_set: t.Optional[t.Mapping[str, t.Any]],
         services: t.Sequence[t.Mapping[str, t.Any]]) -> IsolationPlan:
    """What isolating ``pod`` means, given its ReplicaSet (None when it has none) and the namespace's Services."""
    namespace, name = _pod.key(pod)
    labels = labels_of(pod)
    owner = controller(pod)
    result = IsolationPlan(namespace, name, owner)
    if _pod.is_isolated(pod):
        result.already = True
        record = ((pod.get("metadata") or {}).get("annotations") or {}).get(ISOLATED_ANNOTATION)
        try:
            earlier = json.loads(record) if record else {}
        except ValueError:
            earlier = {}
        result.owner = earlier.get("owner") if isinstance(earlier, dict) else None
        result.remove = dict(earlier.get("labels") or {}) if isinstance(earlier, dict) else {}
        result.services = list(earlier.get("services") or []) if isinstance(earlier, dict) else []
        return result
    result.refused = refusal(pod, owner)
    if result.refused:
        return result
    keys = set(selector_keys((replica_set or {}).get("spec", {}).get("selector") or {}, labels))
    for service in sorted(services, key=lambda s: (s.get("metadata") or {}).get("name", "")):
        selector = (service.get("spec") or {}).get("selector") or {}
        if selects(selector, labels):
            result.services.append((service.get("metadata") or {}).get("name", ""))
            keys.update(selector)
    if not keys:
        result.refused = ("pod {0}/{1}: the selector of ReplicaSet {2} uses no label the pod has, so no label change "
                          "takes it out of it".format(namespace, name, owner["name"] if owner else "?"))
        return result
    result.remove = {key: labels[key] for key in sorted(keys) if key in labels}
    return result
