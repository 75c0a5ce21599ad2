# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Which ephemeral-containers API a cluster serves, decided from discovery, not from /version.

The apiserver registers ``pods/ephemeralcontainers`` only when the EphemeralContainers gate is on
(always from 1.25), and the kind it answers with changed in 1.22 (k/k PR #101034): ``EphemeralContainers``
for 1.16-1.21, the whole ``Pod`` since. Vendor builds and gates make /version a poor predictor, so the
discovery entry is the source of truth and /version only feeds messages.
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass

SUBRESOURCE = "pods/ephemeralcontainers"
# The first minor whose subresource takes and answers with the whole Pod (k/k PR #101034).
POD_KIND_FROM = 22


@dataclass(frozen=True)
class Era:
    """What differs between the shapes of ``pods/ephemeralcontainers``; code asks these, never the name."""

    name: str  # reported to users as api_era
    kind: t.Optional[str]  # the kind the subresource takes and answers with; None when not served
    list_path: t.Tuple[str, ...]  # where the ephemeral container list sits in that object
    dry_run: bool  # the module sends dryRun=All in check mode (the 1.16-1.21 path stays unsent by us)
    security_context: bool  # ephemeral containers may carry a securityContext (k/k PR #99023, 1.22)
    # PodSpec.ephemeralContainers is omitempty (absent when empty); EphemeralContainers.ephemeralContainers
    # has no omitempty, so that list is always there, [] when empty.
    list_omitted_when_empty: bool = True
    # The apiserver's defaults (imagePullPolicy, terminationMessagePolicy, ...) sent with the container: a real
    # 1.16.15 and 1.18.19 do not default a container written as kind EphemeralContainers and refuse it
    # ("imagePullPolicy: Required value"); 1.19+ default it. kubectl debug sends them too.
    sends_defaults: bool = False

    @property
    def served(self) -> bool:
        return self.kind is not None


ERA_POD = Era("pod", "Pod", ("spec", "ephemeralContainers"), dry_run=True, security_context=True)
ERA_EPHEMERAL_CONTAINERS = Era(
    "ephemeral_containers", "EphemeralContainers", ("ephemeralContainers",), dry_run=False, security_context=False,
    list_omitted_when_empty=False, sends_defaults=True,
)
ERA_UNSUPPORTED = Era("unsupported", None, (), dry_run=False, security_context=False)

ERAS: t.Dict[str, Era] = {era.name: era for era in (ERA_POD, ERA_EPHEMERAL_CONTAINERS, ERA_UNSUPPORTED)}
_BY_KIND: t.Dict[str, Era] = {era.kind: era for era in ERAS.values() if era.kind}


def detect_era(api_v1_resource_list: t.Any) -> Era:
    """Return the era from the JSON body of ``GET /api/v1`` (an APIResourceList).

    Raises ValueError when the body is not an APIResourceList or the subresource has a kind this
    code does not know, rather than guessing which request shape a future server wants.
    """
    resources = api_v1_resource_list.get("resources") if isinstance(api_v1_resource_list, dict) else None
    if not isinstance(resources, list):
        raise ValueError("GET /api/v1 did not return an APIResourceList (no 'resources' list)")
    for resource in resources:
        if not isinstance(resource, dict) or resource.get("name") != SUBRESOURCE:
            continue
        kind = resource.get("kind")
        if kind not in _BY_KIND:
            raise ValueError(
                "discovery lists %s with kind %r; expected Pod (Kubernetes 1.22+) or "
                "EphemeralContainers (1.16-1.21)" % (SUBRESOURCE, kind)
            )
        return _BY_KIND[kind]
    # Absent: older than 1.16, or the apiserver's EphemeralContainers gate is off (1.16-1.24).
    return ERA_UNSUPPORTED
