# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.kubedebug.ephemeral.plugins.filter.feature_gates import FilterModule

FILTERS = FilterModule().filters()


def test_all_filters_registered() -> None:
    assert sorted(FILTERS) == ["feature_gates_decision", "feature_gates_kubeadm_config", "feature_gates_kubelet_config",
                               "feature_gates_kubelet_env", "feature_gates_kubelet_plan", "feature_gates_layout", "feature_gates_manifest",
                               "feature_gates_manifest_info", "feature_gates_version"]


def test_errors_become_filter_errors() -> None:
    with pytest.raises(AnsibleFilterError, match="feature_gates_component_versions"):
        FILTERS["feature_gates_decision"]("latest")
    with pytest.raises(AnsibleFilterError, match="not a kind: Pod"):
        FILTERS["feature_gates_manifest"]("kind: Service\n", "kube-apiserver", {"EphemeralContainers": True})


def test_decision_through_filter() -> None:
    assert FILTERS["feature_gates_decision"]("v1.21.14", "present", "kubelet")["action"] == "enable"
