# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._feature_gates.gates import FeatureGateError
from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._feature_gates.version import decide, parse_version


def _expected(minor: int) -> str:
    if minor <= 15:
        return "fail"
    if minor <= 22:
        return "enable"
    if minor <= 26:
        return "leave"
    return "refuse"


@pytest.mark.parametrize("minor", range(15, 38))
@pytest.mark.parametrize("fmt", ["v1.%d.3", "1.%d.0", "v1.%d.14+k3s1", "v1.%d.17-eks-4a8b9c", "Kubernetes v1.%d.2",
                                 "k8s.gcr.io/kube-apiserver:v1.%d.5", "registry.local:5000/kubelet:v1.%d.1@sha256:abc"])
def test_matrix(minor: int, fmt: str) -> None:
    result = decide(fmt % minor, "present", "kube-apiserver")
    assert result["action"] == _expected(minor)
    assert result["minor"] == "1.%d" % minor
    assert "kube-apiserver" in result["reason"]


@pytest.mark.parametrize("minor", [15, 16, 22, 23, 26, 27, 37])
def test_absent_always_removes(minor: int) -> None:
    assert decide("v1.%d.0" % minor, "absent")["action"] == "remove"


def test_messages_name_the_way_out() -> None:
    assert "feature_gates_state=absent" in decide("v1.27.0")["reason"]
    assert "1.16" in decide("v1.15.12")["reason"]
    assert "kubectl <=1.21" in decide("v1.22.0")["reason"]
    assert "Never set it to false" in decide("v1.25.0")["reason"]


def test_refusals_quote_the_components_own_error() -> None:
    """The words kube-apiserver exits with (checked on real servers by the version matrix)."""
    assert "(unrecognized feature gate: EphemeralContainers)" in decide("v1.27.16")["reason"]
    assert "cannot set feature gate EphemeralContainers to false, feature is locked to true" in decide("v1.26.15")["reason"]
    assert "locked to true" not in decide("v1.24.17")["reason"]


@pytest.mark.parametrize("bad", ["", "latest", "k8s.gcr.io/kube-apiserver:latest", "registry.local:5000/kube-apiserver", None])
def test_unreadable_version(bad: str) -> None:
    with pytest.raises(FeatureGateError, match="feature_gates_component_versions"):
        parse_version(bad)


def test_not_one_x_and_bad_state() -> None:
    with pytest.raises(FeatureGateError, match="not a Kubernetes 1.x"):
        decide("v2.0.0")
    with pytest.raises(FeatureGateError, match="present or absent"):
        decide("v1.21.0", "enabled")


def test_registry_port_is_not_a_version() -> None:
    assert parse_version("10.0.0.1:5000/kube-apiserver:v1.19.16").minor == 19


def test_candidates_first_readable_wins() -> None:
    from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._feature_gates.version import version_or_empty
    assert decide(["", "localhost/kube-apiserver:latest", "Kubernetes v1.21.14"])["version"] == "v1.21.14"
    assert decide(["v1.27.1", "k8s.gcr.io/kube-apiserver:v1.21.14"])["action"] == "refuse"
    assert version_or_empty("k8s.gcr.io/kube-apiserver:latest") == ""
    with pytest.raises(FeatureGateError, match="latest"):
        decide(["", "localhost/kube-apiserver:latest"])


@pytest.mark.parametrize("minor, on", [(16, False), (22, False), (23, True), (26, True), (27, True)])
def test_on_by_default_from_1_23(minor: int, on: bool) -> None:
    assert decide("v1.%d.0" % minor)["on_by_default"] is on
    assert decide("v1.%d.0" % minor, "absent")["on_by_default"] is on


def test_decisions_take_override_then_image_tag_then_binary_answer() -> None:
    from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._feature_gates.version import decisions
    runs = [
        {"item": "kubelet", "stdout": "Kubernetes v1.20.15"},
        {"item": "kube-apiserver", "skipped": True},
        {"item": "kube-scheduler", "stdout": "Kubernetes v1.21.2"},
    ]
    static_pods = {"kube-apiserver": {"image": "k8s.gcr.io/kube-apiserver:v1.21.14"},
                   "kube-scheduler": {"image": "localhost/kube-scheduler:latest"}}
    result = decisions(runs, "present", {}, static_pods)
    assert {c: d["version"] for c, d in result.items()} == {"kubelet": "v1.20.15", "kube-apiserver": "v1.21.14", "kube-scheduler": "v1.21.2"}
    assert {d["component"] for d in result.values()} == set(result)
    overridden = decisions(runs, "absent", {"kube-apiserver": "v1.25.0"}, static_pods)
    assert overridden["kube-apiserver"]["version"] == "v1.25.0" and overridden["kube-apiserver"]["action"] == "remove"
    assert decisions([], "present", {}, {}) == {}


def test_decisions_without_any_version_name_the_override() -> None:
    from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._feature_gates.version import decisions
    with pytest.raises(FeatureGateError, match="feature_gates_component_versions"):
        decisions([{"item": "kubelet", "skipped": True}], "present", None, None)
