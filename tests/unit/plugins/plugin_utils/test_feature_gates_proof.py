# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import json

import pytest

from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._feature_gates.proof import kubelet_gates, serves_ephemeral_containers
from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._filter import UserError


def discovery(*names: str) -> str:
    return json.dumps({"kind": "APIResourceList", "groupVersion": "v1", "resources": [{"name": n} for n in names]})


def test_discovery_with_and_without_the_subresource() -> None:
    assert serves_ephemeral_containers(discovery("pods", "pods/ephemeralcontainers", "pods/log"))
    assert not serves_ephemeral_containers(discovery("pods", "pods/log"))
    assert not serves_ephemeral_containers(json.dumps({"kind": "APIResourceList"}))


def test_kubelet_gates_from_configz() -> None:
    configz = {"kubeletconfig": {"featureGates": {"EphemeralContainers": True}, "cgroupDriver": "systemd"}}
    assert kubelet_gates(json.dumps(configz)) == {"EphemeralContainers": True}
    assert kubelet_gates(json.dumps({"kubeletconfig": {}})) == {}


@pytest.mark.parametrize("text", ["", "Error from server (ServiceUnavailable)", "[]", "null"])
def test_output_that_is_not_a_json_object_is_named(text: str) -> None:
    """kubectl printed an error or nothing: the message says which document was unreadable, not a Jinja trace."""
    with pytest.raises(UserError, match="core/v1 discovery is not"):
        serves_ephemeral_containers(text)
    with pytest.raises(UserError, match="the kubelet's configz is not"):
        kubelet_gates(text)
