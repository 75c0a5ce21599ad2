# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""ephemeral_container_preflight's flow: "can I debug here, and how?" asked of the cluster without
writing anything: the server and its era, the caller's permissions, Pod Security and the profiles it
admits, node runtimes, static pods, webhooks, and how many ephemeral containers each pod holds.
Everything that cannot be known says why instead of guessing."""

from __future__ import annotations

import typing as t

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api import pod as _pod
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api import runtime as _runtime
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api.gate import feature_gate_message
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._cluster import access as _access
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._cluster import admission as _admission
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._cluster import discovery as _discovery
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._cluster import pods as _pods
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._core import rest as _rest
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._core.errors import ApiException, KubedebugError

# Without these nothing can be added at all; the others only limit what can be done.
BLOCKING_PERMISSIONS = ("patch pods/ephemeralcontainers", "get pods", "list pods")


def describe_pod(pod: t.Mapping[str, t.Any], nodes: t.Mapping[str, t.Mapping[str, t.Any]]) -> t.Dict[str, t.Any]:
    namespace, name = _pod.key(pod)
    node = (pod.get("spec") or {}).get("nodeName")
    names = [c.get("name") for c in _pod.ephemeral_containers(pod)]
    return {
        "namespace": namespace, "pod": name, "node": node, "phase": (pod.get("status") or {}).get("phase"),
        "static": _pod.is_static(pod), "ephemeral_container_count": len(names), "ephemeral_containers": names,
        "targeting": (nodes.get(node) or {}).get("targeting", _runtime.UNKNOWN) if node else _runtime.UNKNOWN,
    }


def read_nodes(api_client: t.Any) -> t.Tuple[t.Optional[t.Dict[str, t.Dict[str, t.Any]]], t.Optional[str]]:
    try:
        listed = _rest.request_json(api_client, "GET", "/api/v1/nodes")
    except ApiException as exc:
        return None, "cannot list nodes (HTTP {0}); list on nodes (a ClusterRole) is needed to read their runtimes".format(
            getattr(exc, "status", None))
    nodes = {}
    for item in listed.get("items") or []:
        name = (item.get("metadata") or {}).get("name")
        nodes[name] = dict(_runtime.targeting((item.get("status") or {}).get("nodeInfo") or {}), node=name)
    return nodes, None


def profiles_for(api_client: t.Any, server: _discovery.ServerInfo, pods: t.Sequence[t.Mapping[str, t.Any]],
                 field_manager: str) -> t.Dict[str, t.Any]:
    """Which profiles the namespace admits, by dry run against its first running, non-static pod."""
    if not server.era.served:
        return {"known": False, "why_unknown": "the subresource is not served, so nothing can be added", "evaluated_on": None,
                "admitted": [], "refused": {}}
    if not server.era.dry_run:
        return {"known": False, "evaluated_on": None, "admitted": [], "refused": {},
                "why_unknown": "this API era (before 1.22) has no server-side dry run for the subresource, and Pod Security "
                               "admission does not exist yet; only profiles legacy and baseline can be used, because the "
                               "others set a securityContext, which ephemeral containers get from 1.22"}
    candidates = [p for p in pods if not _pod.is_static(p) and (p.get("status") or {}).get("phase") == "Running"]
    if not candidates:
        return {"known": False, "why_unknown": "no running, non-static pod selected to run the dry run against", "evaluated_on": None,
                "admitted": [], "refused": {}}
    pod = candidates[0]
    answers = _admission.probe_profiles(api_client, server.era, pod, field_manager)
    unknown = {p: a["reasons"] for p, a in answers.items() if a["result"] == _admission.UNKNOWN}
    return {
        "known": not unknown,
        "why_unknown": "; ".join(sorted({r for reasons in unknown.values() for r in reasons})) or None,
        "evaluated_on": "{0}/{1}".format(*_pod.key(pod)),
        "admitted": [p for p in _admission.ALL_PROFILES if answers[p]["result"] == _admission.ADMITTED],
        "refused": {p: a["reasons"] for p, a in answers.items() if a["result"] == _admission.REFUSED},
    }


def namespace_entry(api_client: t.Any, server: _discovery.ServerInfo, namespace: str, pods: t.Sequence[t.Mapping[str, t.Any]],
                    field_manager: str) -> t.Dict[str, t.Any]:
    labels, why = _admission.namespace_labels(api_client, namespace)
    access = _access.check_all(api_client, namespace)
    return {
        "namespace": namespace,
        "pod_security": _admission.pod_security_labels(labels) if labels is not None else None,
        "pod_security_unknown_reason": why,
        "access": access,
        "denied": _access.denied_names(access),
        "profiles": profiles_for(api_client, server, pods, field_manager),
    }


def problems_of(server: _discovery.ServerInfo, namespaces: t.Sequence[t.Mapping[str, t.Any]], pods: t.Sequence[t.Mapping[str, t.Any]],
                nodes: t.Optional[t.Mapping[str, t.Mapping[str, t.Any]]]) -> t.Tuple[t.List[str], t.List[str]]:
    """(blocking problems, limitations), each one sentence that names the thing."""
    blocking, limits = [], []
    if not server.era.served:
        blocking.append("the EphemeralContainers feature gate is off: " + feature_gate_message(server.version))
    for entry in namespaces:
        for name in entry["denied"]:
            sentence = "RBAC denies {0} in namespace {1}".format(name, entry["namespace"])
            (blocking if name in BLOCKING_PERMISSIONS else limits).append(sentence)
        profiles = entry["profiles"]
        if profiles["known"] and not profiles["admitted"]:
            blocking.append("namespace {0} admits none of the profiles (tried on {1})".format(entry["namespace"], profiles["evaluated_on"]))
    for pod in pods:
        if pod["static"]:
            blocking.append("pod {0}/{1} is a static (mirror) pod; the API refuses ephemeral containers for static pods".format(
                pod["namespace"], pod["pod"]))
    for node in (nodes or {}).values():
        if node["targeting"] == _runtime.NO:
            limits.append("node {0} runs {1} {2}, which cannot target a container's process namespace ({3})".format(
                node["node"], node["runtime"], node["runtime_version"], node["reason"]))
    return blocking, limits


def run(api_client: t.Any, server: _discovery.ServerInfo, selection: _pods.Selection, field_manager: str) -> t.Dict[str, t.Any]:
    try:
        raw, pods_why = _pods.select_pods(api_client, selection), None
    except KubedebugError as exc:  # reported, like every other thing the caller may not read
        raw, pods_why = [], exc.msg
    nodes, nodes_why = read_nodes(api_client)
    pods = [describe_pod(pod, nodes or {}) for pod in raw]
    namespace_names = sorted({_pod.key(pod)[0] for pod in raw} or ({selection.namespace} if not selection.all_namespaces else set()))
    namespaces = [namespace_entry(api_client, server, ns, [p for p in raw if _pod.key(p)[0] == ns], field_manager)
                  for ns in namespace_names]
    hooks, hooks_why = _admission.webhooks(api_client)
    blocking, limits = problems_of(server, namespaces, pods, nodes)
    if pods_why:
        blocking.append("cannot read the selected pods: " + pods_why)
    return {
        "changed": False,
        "ready": not blocking,
        "problems": blocking,
        "limitations": limits,
        "server": server.as_dict(),
        "namespaces": namespaces,
        "nodes": sorted((nodes or {}).values(), key=lambda n: n["node"] or ""),
        "nodes_unknown_reason": nodes_why,
        "webhooks": hooks,
        "webhooks_unknown_reason": hooks_why,
        "pods": pods,
        "pods_unknown_reason": pods_why,
    }
