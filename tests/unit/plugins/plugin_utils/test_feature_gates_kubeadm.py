# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import base64
import re

import pytest
import yaml

from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._feature_gates.gates import FeatureGateError
from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._feature_gates.kubeadm import cluster_configuration_edit
from ansible_collections.kubedebug.ephemeral.tests.unit.plugins.plugin_utils.feature_gates_fixtures import fixture


def read() -> str:
    return fixture("kubeadm", "cluster-configuration-v1beta2.yaml")


def test_sets_and_removes_extra_args() -> None:
    text = read()
    values = {"kube-apiserver": "IPv6DualStack=true,EphemeralContainers=true", "kube-scheduler": "EphemeralContainers=true"}
    result = cluster_configuration_edit(text, values)
    doc = yaml.safe_load(result["text"])
    assert result["changed"]
    assert doc["apiServer"]["extraArgs"] == {"authorization-mode": "Node,RBAC", "feature-gates": values["kube-apiserver"]}
    assert doc["scheduler"]["extraArgs"] == {"feature-gates": "EphemeralContainers=true"}
    assert doc["featureGates"] == {"IPv6DualStack": True}  # kubeadm's own gates stay kubeadm's
    assert cluster_configuration_edit(result["text"], values)["changed"] is False
    back = cluster_configuration_edit(result["text"], {"kube-apiserver": None, "kube-scheduler": ""})
    assert yaml.safe_load(back["text"]) == yaml.safe_load(text)


def test_unchanged_text_is_returned_as_is() -> None:
    text = read()
    assert cluster_configuration_edit(text, {"kube-scheduler": None})["text"] == text


@pytest.mark.parametrize("text, msg", [("kind: InitConfiguration\n", "not a kind: ClusterConfiguration"),
                                       ("kind: ClusterConfiguration\napiServer:\n  extraArgs:\n  - name: v\n", "v1beta4"),
                                       ("a: [\n", "not valid YAML")])
def test_refusals(text: str, msg: str) -> None:
    with pytest.raises(FeatureGateError, match=msg):
        cluster_configuration_edit(text, {"kube-apiserver": "EphemeralContainers=true"})


def test_gates_from_manifest_keep_kubeadm_defaults() -> None:
    from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._feature_gates.kubeadm import cluster_configuration_gates
    gate = {"EphemeralContainers": True}
    result = cluster_configuration_gates(read(), gate, "present", manifest_values={"kube-apiserver": "IPv6DualStack=true"})
    doc = yaml.safe_load(result["text"])
    assert doc["apiServer"]["extraArgs"]["feature-gates"] == "IPv6DualStack=true,EphemeralContainers=true"
    assert doc["scheduler"]["extraArgs"]["feature-gates"] == "EphemeralContainers=true"
    assert cluster_configuration_gates(result["text"], gate, "present")["changed"] is False
    back = cluster_configuration_gates(result["text"], gate, "absent")
    assert yaml.safe_load(back["text"])["apiServer"]["extraArgs"]["feature-gates"] == "IPv6DualStack=true"
    assert "extraArgs" not in yaml.safe_load(back["text"])["scheduler"]


def _slurped(component: str, text: str) -> dict:
    return {"item": component, "content": base64.b64encode(text.encode()).decode()}


def test_manifest_gates_read_each_manifest_as_its_own_component() -> None:
    """The scheduler's manifest is read as kube-scheduler, which picks its container when the pod has several."""
    from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._feature_gates.kubeadm import manifest_gates
    scheduler = yaml.safe_load(fixture("manifests", "kube-scheduler.yaml"))
    main = scheduler["spec"]["containers"][0]
    main["command"].append("--feature-gates=EphemeralContainers=true")
    scheduler["spec"]["containers"].insert(0, {"name": "sidecar", "image": "busybox", "command": ["sleep", "--feature-gates=X=true"]})
    apiserver = fixture("manifests", "kube-apiserver-other-gates.yaml")
    result = manifest_gates([_slurped("kube-apiserver", apiserver), _slurped("kube-scheduler", yaml.safe_dump(scheduler)),
                             {"item": "kube-controller-manager", "failed": True}])
    assert result["kube-scheduler"] == "EphemeralContainers=true"
    assert result == {"kube-apiserver": "IPv6DualStack=true,TTLAfterFinished=False", "kube-scheduler": "EphemeralContainers=true"}


@pytest.mark.parametrize("version, name", [("v1.21.14", "kubelet-config-1.21"), ("v1.23.0", "kubelet-config-1.23"),
                                           ("v1.24.3", "kubelet-config"), ("v1.37.2", "kubelet-config")])
def test_kubelet_configmap_name_follows_kubernetes_version(version: str, name: str) -> None:
    from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._feature_gates.kubeadm import kubelet_configmap
    text = re.sub(r"(?m)^kubernetesVersion: .*$", "kubernetesVersion: " + version, read())
    assert kubelet_configmap(text) == name


@pytest.mark.parametrize("text", ["kind: ClusterConfiguration\n", "kind: ClusterConfiguration\nkubernetesVersion: stable\n"])
def test_kubelet_configmap_without_a_version_names_the_override(text: str) -> None:
    from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._feature_gates.kubeadm import kubelet_configmap
    with pytest.raises(FeatureGateError, match="feature_gates_kubelet_configmap"):
        kubelet_configmap(text)
