# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Filters for the feature_gates role: the parts that are hard in YAML (documented in the sidecar .yml files).

Thin wrappers: the logic lives in plugin_utils/_feature_gates/ so it is unit-tested without Ansible.
"""

from __future__ import annotations

import typing as t

from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._filter import as_filter
from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._feature_gates import kubeadm
from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._feature_gates import kubelet
from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._feature_gates import layout
from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._feature_gates import manifest
from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._feature_gates import version


class FilterModule:
    """EphemeralContainers feature-gate filters."""

    def filters(self) -> dict[str, t.Callable[..., t.Any]]:
        return {
            "feature_gates_decision": as_filter(version.decide),
            "feature_gates_manifest": as_filter(manifest.edit),
            "feature_gates_manifest_info": as_filter(manifest.inspect),
            "feature_gates_kubelet_config": as_filter(kubelet.config_edit),
            "feature_gates_kubelet_env": as_filter(kubelet.env_edit),
            "feature_gates_kubelet_plan": as_filter(kubelet.plan),
            "feature_gates_layout": as_filter(layout.detect),
            "feature_gates_kubeadm_config": as_filter(kubeadm.cluster_configuration_gates),
            "feature_gates_version": as_filter(version.version_or_empty),
        }
