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

import re
import typing as t

ERA_POD = "pod"
ERA_EPHEMERAL_CONTAINERS = "ephemeral_containers"
ERA_UNSUPPORTED = "unsupported"

ERAS: tuple[str, ...] = (ERA_POD, ERA_EPHEMERAL_CONTAINERS, ERA_UNSUPPORTED)

SUBRESOURCE = "pods/ephemeralcontainers"

_KIND_TO_ERA: dict[str, str] = {
    "Pod": ERA_POD,
    "EphemeralContainers": ERA_EPHEMERAL_CONTAINERS,
}

# "v1.21.14-eks-18ef993" or "v1.30.0+k3s1": only major and minor matter.
_GIT_VERSION_RE = re.compile(r"^v?(\d+)\.(\d+)")
# Vendors append "+" (GKE, EKS: "21+") or other suffixes to the minor.
_LEADING_INT_RE = re.compile(r"^(\d+)")


def detect_era(api_v1_resource_list: dict[str, t.Any]) -> str:
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
        if kind not in _KIND_TO_ERA:
            raise ValueError(
                "discovery lists %s with kind %r; expected Pod (Kubernetes 1.22+) or "
                "EphemeralContainers (1.16-1.21)" % (SUBRESOURCE, kind)
            )
        return _KIND_TO_ERA[kind]
    # Absent: older than 1.16, or the apiserver's EphemeralContainers gate is off (1.16-1.24).
    return ERA_UNSUPPORTED


def supports_security_context(era: str) -> bool:
    """Whether ephemeral containers may carry a securityContext (allowed from 1.22, k/k PR #99023)."""
    return era == ERA_POD


def parse_server_version(version_info: dict[str, t.Any]) -> tuple[int, int]:
    """Return (major, minor) from the JSON body of ``GET /version``.

    ``major``/``minor`` are preferred; vendors suffix them ("21+") and some leave them empty, in which
    case ``gitVersion`` ("v1.21.14-eks-...") is used. Raises ValueError if neither can be read.
    """
    major = _LEADING_INT_RE.match(str(version_info.get("major") or ""))
    minor = _LEADING_INT_RE.match(str(version_info.get("minor") or ""))
    if major and minor:
        return int(major.group(1)), int(minor.group(1))
    git = _GIT_VERSION_RE.match(str(version_info.get("gitVersion") or ""))
    if git:
        return int(git.group(1)), int(git.group(2))
    raise ValueError("cannot read a Kubernetes version from /version: %r" % (version_info,))
