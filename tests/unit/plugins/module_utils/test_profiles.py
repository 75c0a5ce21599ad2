# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import copy

import pytest

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._spec.profiles import PROFILES, apply_profile

BASE = {"name": "debugger-x", "image": "busybox:1.36", "command": ["sh"]}
EXPLICIT = dict(BASE, securityContext={"runAsUser": 0, "capabilities": {"add": ["SYS_PTRACE"], "drop": ["MKNOD"]}})

RESTRICTED = {
    "runAsNonRoot": True,
    "capabilities": {"drop": ["ALL"]},
    "allowPrivilegeEscalation": False,
    "seccompProfile": {"type": "RuntimeDefault"},
}

# Effect on the ephemeral container per kubectl >= 1.30 profiles.go, from a container without and
# with an explicit securityContext (None = no securityContext key at all).
CASES = [
    ("legacy", BASE, None),
    ("legacy", EXPLICIT, EXPLICIT["securityContext"]),
    ("general", BASE, {"capabilities": {"add": ["SYS_PTRACE"]}}),
    ("general", EXPLICIT, {"runAsUser": 0, "capabilities": {"add": ["SYS_PTRACE"], "drop": ["MKNOD"]}}),
    ("baseline", BASE, None),
    ("baseline", EXPLICIT, None),
    ("restricted", BASE, RESTRICTED),
    ("restricted", EXPLICIT, RESTRICTED),
    ("netadmin", BASE, {"capabilities": {"add": ["NET_ADMIN", "NET_RAW"]}}),
    ("netadmin", EXPLICIT, {"runAsUser": 0, "capabilities": {"add": ["SYS_PTRACE", "NET_ADMIN", "NET_RAW"], "drop": ["MKNOD"]}}),
    ("sysadmin", BASE, {"privileged": True}),
    ("sysadmin", EXPLICIT, dict(EXPLICIT["securityContext"], privileged=True)),
]


def test_profiles_are_kubectls():
    assert PROFILES == ("legacy", "general", "baseline", "restricted", "netadmin", "sysadmin")


@pytest.mark.parametrize("profile, container, security_context", CASES)
def test_profile_effect(profile, container, security_context):
    result = apply_profile(container, profile)
    assert result.get("securityContext") == security_context
    # Profiles only touch the securityContext.
    assert {key: value for key, value in result.items() if key != "securityContext"} == BASE


@pytest.mark.parametrize("profile", PROFILES)
def test_profile_does_not_mutate_input(profile):
    original = copy.deepcopy(EXPLICIT)
    result = apply_profile(EXPLICIT, profile)
    assert EXPLICIT == original
    if "securityContext" in result:
        assert result["securityContext"] is not EXPLICIT["securityContext"]


def test_restricted_result_is_not_shared_between_calls():
    first = apply_profile(BASE, "restricted")
    first["securityContext"]["capabilities"]["drop"].append("X")
    assert apply_profile(BASE, "restricted")["securityContext"] == RESTRICTED


def test_unknown_profile():
    with pytest.raises(ValueError, match="unknown profile 'admin'.*legacy, general"):
        apply_profile(BASE, "admin")
