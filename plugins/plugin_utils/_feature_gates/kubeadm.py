# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Persist the merged gate string in kubeadm's ClusterConfiguration, so ``kubeadm upgrade`` keeps it.

kubeadm regenerates the control-plane manifests from ``kube-system/kubeadm-config`` on upgrade (kubeadm#2157), and
``extraArgs["feature-gates"]`` *replaces* kubeadm's own default gate string (e.g. ``IPv6DualStack``,
``controlplane/manifests.go``), so the value written here must be the whole merged list taken from the running
manifest. Component gates never go into kubeadm's own ``featureGates`` (``unrecognized feature-gate key``).
The ConfigMap holds YAML kubeadm itself re-renders, so parse-and-dump is fine here; we only write on a change.
"""

from __future__ import annotations

import base64
import typing as t

import yaml

from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._feature_gates import gates as fg
from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._feature_gates import manifest
from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._feature_gates.gates import FeatureGateError
from ansible_collections.kubedebug.ephemeral.plugins.plugin_utils._feature_gates.version import parse_version

SECTIONS = {"kube-apiserver": "apiServer", "kube-scheduler": "scheduler", "kube-controller-manager": "controllerManager"}
# kubeadm reads the kubelet configuration from kubelet-config-1.X before 1.24 and from kubelet-config since
# (UnversionedKubeletConfigMap, on by default from 1.24).
UNVERSIONED_KUBELET_CONFIGMAP_FROM = 24


def _load(text: str) -> t.Any:
    try:
        return yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise FeatureGateError("kubeadm-config ClusterConfiguration is not valid YAML: %s" % exc) from exc


def cluster_configuration_edit(text: str, values: t.Mapping[str, str | None]) -> dict[str, t.Any]:
    """``values``: {component: merged gate string, or empty/None to drop the extraArg}."""
    doc = _load(text)
    if not isinstance(doc, dict) or doc.get("kind") != "ClusterConfiguration":
        raise FeatureGateError("kubeadm-config data.ClusterConfiguration is not a kind: ClusterConfiguration document")
    before, after = {}, {}
    for component, value in values.items():
        section = SECTIONS.get(component)
        if section is None:
            raise FeatureGateError("no ClusterConfiguration section for %s" % component)
        existed = section in doc
        part = doc.get(section)
        if part is None:
            part = {}
        if not isinstance(part, dict):
            raise FeatureGateError("ClusterConfiguration %s is not a mapping" % section)
        extra = part.get("extraArgs") or {}
        if isinstance(extra, list):
            raise FeatureGateError("ClusterConfiguration %s.extraArgs is a list (kubeadm v1beta4); edit it with kubeadm tooling" % section)
        before[component] = extra.get("feature-gates")
        if value:
            extra["feature-gates"] = value
        else:
            extra.pop("feature-gates", None)
        after[component] = extra.get("feature-gates")
        if extra:
            part["extraArgs"] = extra
        else:
            part.pop("extraArgs", None)
        if part or existed:
            doc[section] = part
        else:
            doc.pop(section, None)
    changed = before != after
    new = yaml.safe_dump(doc, default_flow_style=False, sort_keys=False) if changed else text
    return {"changed": changed, "text": new, "before": before, "after": after}


def cluster_configuration_gates(text: str, gates: t.Mapping[str, t.Any], state: str = "present",
                                components: t.Sequence[str] = ("kube-apiserver", "kube-scheduler"),
                                manifest_values: t.Mapping[str, str] | None = None) -> dict[str, t.Any]:
    """Work out each component's ``feature-gates`` extraArg, then edit.

    present: the running manifest's merged string when given (it already holds kubeadm's default gates, which the
    extraArg replaces), else the ConfigMap's own value with the gates merged in. absent: the ConfigMap's value
    without the gates.
    """
    want = fg.normalise_gates(gates)
    doc = _load(text)
    values: dict[str, str | None] = {}
    for component in components:
        section = (doc.get(SECTIONS.get(component, "")) or {}) if isinstance(doc, dict) else {}
        extra = section.get("extraArgs") if isinstance(section, dict) else None
        current = extra.get("feature-gates", "") if isinstance(extra, dict) else ""
        pairs = fg.fold([current])
        if state == "present":
            manifest = (manifest_values or {}).get(component)
            if manifest:
                pairs = fg.fold([manifest])
            values[component] = fg.join(fg.apply(pairs, want, ()))
        else:
            values[component] = fg.join(fg.apply(pairs, {}, want)) or None
    return cluster_configuration_edit(text, values)


def manifest_gates(slurped: t.Sequence[t.Mapping[str, t.Any]]) -> dict[str, str]:
    """``{component: merged --feature-gates value}`` from the role's slurp loop over ``<component>.yaml`` (``item``
    is the component; a manifest that could not be read has no ``content`` and is left out). Each manifest is read as
    its own component, which picks its container when the pod has several."""
    out = {}
    for result in slurped:
        if "content" in result:
            text = base64.b64decode(result["content"]).decode("utf-8")
            out[str(result["item"])] = manifest.inspect(text, str(result["item"]))["value"]
    return out


def kubelet_configmap(text: str) -> str:
    """The kubelet ConfigMap kubeadm uses for the ClusterConfiguration's ``kubernetesVersion``."""
    doc = _load(text)
    version = doc.get("kubernetesVersion") if isinstance(doc, dict) else None
    try:
        parsed = parse_version(str(version or ""))
    except FeatureGateError as exc:
        raise FeatureGateError(
            "kubeadm-config ClusterConfiguration has no readable kubernetesVersion (%r); set feature_gates_kubelet_configmap "
            "to the kubelet ConfigMap's name" % (version,)) from exc
    if parsed.minor < UNVERSIONED_KUBELET_CONFIGMAP_FROM:
        return "kubelet-config-%d.%d" % (parsed.major, parsed.minor)
    return "kubelet-config"
