# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""kubectl debug's ``--profile`` appliers, restricted to what they do to an ephemeral container.

Mirrors k/kubectl ``pkg/cmd/debug/profiles.go`` (behaviour of kubectl >= 1.30: restricted as fixed in
1.28 by k/k #117543, netadmin with NET_RAW since 1.29, sysadmin since 1.30). kubectl's profiles also
touch the pod (labels, hostPID, shareProcessNamespace) for node and copy debugging; the
ephemeralcontainers subresource ignores every pod change, so only the container's securityContext
is modelled here.
"""

from __future__ import annotations

import copy
import typing as t

PROFILE_LEGACY = "legacy"
PROFILE_GENERAL = "general"
PROFILE_BASELINE = "baseline"
PROFILE_RESTRICTED = "restricted"
PROFILE_NETADMIN = "netadmin"
PROFILE_SYSADMIN = "sysadmin"

Container = t.Dict[str, t.Any]


def _security_context(container: Container) -> dict[str, t.Any]:
    # kubectl allocates an empty SecurityContext before setting a field on it.
    context = container.get("securityContext")
    if not isinstance(context, dict):
        context = container["securityContext"] = {}
    return context


def _add_capabilities(container: Container, *names: str) -> None:
    # kubectl's addCapability appends; we skip names already present so an explicit
    # security_context that already adds the capability does not produce a duplicate.
    capabilities = _security_context(container).setdefault("capabilities", {})
    add = capabilities.setdefault("add", [])
    for name in names:
        if name not in add:
            add.append(name)


def _legacy(container: Container) -> None:
    # Backwards-compatible with kubectl 1.23: the container is left as built.
    return None


def _general(container: Container) -> None:
    # allowProcessTracing
    _add_capabilities(container, "SYS_PTRACE")


def _baseline(container: Container) -> None:
    # clearSecurityContext: nothing PodSecurity "baseline" would refuse.
    container.pop("securityContext", None)


def _restricted(container: Container) -> None:
    # clearSecurityContext, disallowRoot, dropCapabilities, disallowPrivilegeEscalation,
    # setSeccompProfile: what PodSecurity "restricted" demands of a container.
    container["securityContext"] = {
        "runAsNonRoot": True,
        "capabilities": {"drop": ["ALL"]},
        "allowPrivilegeEscalation": False,
        "seccompProfile": {"type": "RuntimeDefault"},
    }


def _netadmin(container: Container) -> None:
    # allowNetadminCapability: NET_RAW joined NET_ADMIN in 1.29 (ping/tcpdump on CRI-O, k/k#110570).
    _add_capabilities(container, "NET_ADMIN", "NET_RAW")


def _sysadmin(container: Container) -> None:
    # setPrivileged
    _security_context(container)["privileged"] = True


_APPLIERS: dict[str, t.Callable[[Container], None]] = {
    PROFILE_LEGACY: _legacy,
    PROFILE_GENERAL: _general,
    PROFILE_BASELINE: _baseline,
    PROFILE_RESTRICTED: _restricted,
    PROFILE_NETADMIN: _netadmin,
    PROFILE_SYSADMIN: _sysadmin,
}

PROFILES: tuple[str, ...] = tuple(_APPLIERS)

# Profiles that replace whatever securityContext was built before them.
PROFILES_CLEARING_SECURITY_CONTEXT: tuple[str, ...] = (PROFILE_BASELINE, PROFILE_RESTRICTED)


def apply_profile(container: Container, profile: str) -> Container:
    """Return a copy of ``container`` with ``profile`` applied; the input is not modified."""
    try:
        applier = _APPLIERS[profile]
    except KeyError:
        raise ValueError("unknown profile %r; expected one of %s" % (profile, ", ".join(PROFILES))) from None
    result = copy.deepcopy(container)
    applier(result)
    return result
