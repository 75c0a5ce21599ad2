# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api.era import (
    ERA_EPHEMERAL_CONTAINERS,
    ERA_POD,
    ERA_UNSUPPORTED,
    detect_era,
)
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api.versions import parse_server_version

PODS = {"name": "pods", "kind": "Pod", "namespaced": True, "verbs": ["create", "get", "list"]}


def discovery(*extra: dict) -> dict:
    return {"kind": "APIResourceList", "groupVersion": "v1", "resources": [PODS, *extra]}


@pytest.mark.parametrize(
    "body, era",
    [
        (discovery({"name": "pods/ephemeralcontainers", "kind": "Pod", "verbs": ["get", "patch", "update"]}), ERA_POD),
        (discovery({"name": "pods/ephemeralcontainers", "kind": "EphemeralContainers", "verbs": ["get", "patch", "update"]}), ERA_EPHEMERAL_CONTAINERS),
        (discovery({"name": "pods/exec", "kind": "PodExecOptions"}), ERA_UNSUPPORTED),
        (discovery(), ERA_UNSUPPORTED),
    ],
    ids=["1.22+", "1.16-1.21", "gate-off", "no-subresources"],
)
def test_detect_era(body, era):
    assert detect_era(body) == era


@pytest.mark.parametrize("body", [{}, {"resources": None}, {"kind": "Status", "code": 403}])
def test_detect_era_rejects_non_resource_lists(body):
    with pytest.raises(ValueError, match="APIResourceList"):
        detect_era(body)


def test_detect_era_rejects_unknown_kind():
    with pytest.raises(ValueError, match="kind 'Something'"):
        detect_era(discovery({"name": "pods/ephemeralcontainers", "kind": "Something"}))


@pytest.mark.parametrize(
    "info, expected",
    [
        ({"major": "1", "minor": "37", "gitVersion": "v1.37.2"}, (1, 37)),
        ({"major": "1", "minor": "21+", "gitVersion": "v1.21.14-eks-18ef993"}, (1, 21)),
        ({"major": "", "minor": "", "gitVersion": "v1.21.14-eks-18ef993"}, (1, 21)),
        ({"gitVersion": "v1.30.0+k3s1"}, (1, 30)),
        ({"major": "1", "minor": "x", "gitVersion": "1.28.3"}, (1, 28)),
    ],
)
def test_parse_server_version(info, expected):
    assert parse_server_version(info) == expected


def test_parse_server_version_unreadable():
    with pytest.raises(ValueError, match="cannot read"):
        parse_server_version({"major": "", "gitVersion": "unknown"})
