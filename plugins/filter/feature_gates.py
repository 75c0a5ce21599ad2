# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Filters for the feature_gates role: the parts that are hard in YAML (documented in the sidecar .yml files).

Thin wrappers: the logic lives in plugin_utils/_feature_gates/ so it is unit-tested without Ansible.
"""

from __future__ import annotations

import functools
import typing as t

from ansible.errors import AnsibleFilterError

from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._feature_gates.gates import FeatureGateError
from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._feature_gates import kubeadm
from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._feature_gates import kubelet
from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._feature_gates import layout
from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._feature_gates import manifest
from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._feature_gates import version


def _filter(func: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
    """Turn our errors into filter errors, whose message the task shows as is."""
    @functools.wraps(func)
    def wrapper(*args: t.Any, **kwargs: t.Any) -> t.Any:
        try:
            return func(*args, **kwargs)
        except FeatureGateError as exc:
            raise AnsibleFilterError(str(exc)) from exc
    return wrapper


class FilterModule:
    """EphemeralContainers feature-gate filters."""

    def filters(self) -> dict[str, t.Callable[..., t.Any]]:
        return {
            "feature_gates_decision": _filter(version.decide),
            "feature_gates_manifest": _filter(manifest.edit),
            "feature_gates_manifest_info": _filter(manifest.inspect),
            "feature_gates_kubelet_config": _filter(kubelet.config_edit),
            "feature_gates_kubelet_env": _filter(kubelet.env_edit),
            "feature_gates_kubelet_plan": _filter(kubelet.plan),
            "feature_gates_layout": _filter(layout.detect),
            "feature_gates_kubeadm_config": _filter(kubeadm.cluster_configuration_gates),
            "feature_gates_version": _filter(version.version_or_empty),
        }
