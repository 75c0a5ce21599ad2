# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What a feature_gates run will ask of the API, as permissions that ``kubectl auth can-i`` checks before anything
is written, so that missing RBAC fails naming the permission instead of as a timeout halfway through a rollout.
docs/examples/feature-gates-rbac.yaml holds the least a run needs."""

from __future__ import annotations

import typing as t

STATIC_POD_COMPONENTS = ("kube-apiserver", "kube-scheduler")
NODE_COMPONENTS = ("kubelet",) + STATIC_POD_COMPONENTS


def needs(components: list[str], wait_method: str, verify_kubelet_configz: bool, kubeadm_configmap: bool,
          info: dict[str, dict[str, t.Any]], list_all_pods: bool = False) -> list[dict[str, t.Any]]:
    """One entry per permission: verb, resource (``nodes/proxy`` names a subresource), namespace (``""`` for
    cluster-wide, ``"*"`` for every namespace), why, and ``can_i``, the arguments of ``kubectl auth can-i`` that
    ask for it.

    ``info`` is preflight's per-static-pod facts; the mirror pods are read in the namespace of the first one.
    ``list_all_pods``: a step that compares the restarts of every pod on a node lists pods in all namespaces."""
    wanted: list[dict[str, t.Any]] = []
    if any(c in STATIC_POD_COMPONENTS for c in components) and wait_method == "mirror_pod":
        namespaces = [v.get("namespace") for v in info.values() if v.get("namespace")]
        wanted.append({"verb": "get", "resource": "pods", "namespace": namespaces[0] if namespaces else "kube-system",
                       "why": "the role reads the mirror pods of the static pods it changes"})
    if "kubelet" in components and verify_kubelet_configz:
        wanted.append({"verb": "get", "resource": "nodes/proxy", "namespace": "",
                       "why": "feature_gates_verify_kubelet_configz reads the kubelet configuration through the API"})
    if list_all_pods and any(c in NODE_COMPONENTS for c in components):
        wanted.append({"verb": "list", "resource": "pods", "namespace": "*",
                       "why": "the canary (feature_gates_canary) lists the pods on the first node to compare their restarts"})
    if "kubeadm_configmap" in components and kubeadm_configmap:
        wanted.append({"verb": "get", "resource": "configmaps", "namespace": "kube-system",
                       "why": "the ConfigMap step reads kubeadm-config"})
        wanted.append({"verb": "patch", "resource": "configmaps", "namespace": "kube-system",
                       "why": "the ConfigMap step writes kubeadm-config"})
    for need in wanted:
        need["can_i"] = can_i_args(need["verb"], need["resource"], need["namespace"])
    return wanted


def can_i_args(verb: str, resource: str, namespace: str) -> list[str]:
    resource, subresource = resource.split("/", 1) if "/" in resource else (resource, "")
    where = ["--all-namespaces"] if namespace == "*" else ["-n", namespace] if namespace else []
    return ["auth", "can-i", verb, resource] + (["--subresource", subresource] if subresource else []) + where
