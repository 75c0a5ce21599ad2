# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The EphemeralContainers feature gate's lifecycle, per Kubernetes minor (website feature-gates page, KEP-277).

absent <=1.15, alpha and off 1.16-1.22, beta and on 1.23-1.24, GA and locked on 1.25-1.26 (``=false`` is fatal
there), removed in 1.27 (any mention is fatal: ``unrecognized feature gate: EphemeralContainers``, k/k#114410).
The modules' messages and the feature_gates role's decisions both read these records.
"""

from __future__ import annotations

import typing as t

FEATURE_GATES_ROLE = "kubedebug.ephemeral.feature_gates"


class Stage(t.NamedTuple):
    name: str  # absent, alpha, beta, ga, removed
    first_minor: int  # of Kubernetes 1.x
    on_by_default: bool  # the component turns the gate on without an explicit entry


LIFECYCLE: t.Tuple[Stage, ...] = (
    Stage("absent", 0, False),
    Stage("alpha", 16, False),
    Stage("beta", 23, True),
    Stage("ga", 25, True),
    Stage("removed", 27, True),
)
_BY_NAME = {stage.name: stage for stage in LIFECYCLE}
FIRST_MINOR = _BY_NAME["alpha"].first_minor
ON_BY_DEFAULT_FROM = _BY_NAME["beta"].first_minor
GA_FROM = _BY_NAME["ga"].first_minor
REMOVED_FROM = _BY_NAME["removed"].first_minor


# What a component says when it refuses to start over the gate (k8s.io/component-base featuregate); the version
# matrix (tests/integration/matrix) starts kube-apiserver 1.25-1.28 with such flags and checks these words.
REMOVED_ERROR = "unrecognized feature gate: EphemeralContainers"
LOCKED_ERROR = "cannot set feature gate EphemeralContainers to false, feature is locked to true"


def stage(minor: int) -> Stage:
    """The gate's stage on Kubernetes 1.<minor>."""
    return [s for s in LIFECYCLE if s.first_minor <= minor][-1]


def minors(first: str, last: str) -> str:
    """``1.16-1.22`` for minors("alpha", "alpha"): the releases from stage ``first`` to the end of stage ``last``."""
    end = LIFECYCLE[LIFECYCLE.index(_BY_NAME[last]) + 1].first_minor - 1
    return "1.{0}-1.{1}".format(_BY_NAME[first].first_minor, end)


def feature_gate_message(server_version: t.Optional[t.Tuple[int, int]] = None) -> str:
    """Why the ephemeral containers API is missing, and how to turn it on."""
    version = " (server {0}.{1})".format(*server_version) if server_version else ""
    if server_version and server_version >= (1, GA_FROM):
        return (
            "The pods/ephemeralcontainers API is not served{0}, although ephemeral containers are GA since 1.{1}. "
            "Something between you and kube-apiserver (an aggregation proxy or a restricted API gateway) hides the "
            "subresource; talk to kube-apiserver directly.".format(version, GA_FROM)
        )
    return (
        "Ephemeral containers are disabled on this cluster{0}: the pods/ephemeralcontainers API is not served. "
        "On Kubernetes {1} the EphemeralContainers feature gate is alpha and off by default (on {2} it is "
        "beta and on unless someone turned it off). kube-apiserver AND every kubelet need "
        "--feature-gates=EphemeralContainers=true (the kubelet otherwise never starts the container). "
        "The {3} role enables it safely, one node at a time. Kubernetes older than 1.{4} has no ephemeral "
        "containers.".format(version, minors("alpha", "alpha"), minors("beta", "beta"), FEATURE_GATES_ROLE, FIRST_MINOR)
    )
