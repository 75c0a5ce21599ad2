# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Selecting pods (one by name, or many by label/field selectors) and the guards on many-pod runs. Pods are
returned as API dicts (a selection's cut down by _api/pod_reduce.py); facts read off them are in _api/pod.py."""

from __future__ import annotations

import typing as t
from dataclasses import dataclass, field

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api import shard as _shard
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api.pod import key
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api.pod_reduce import reduce_pod
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api.selectors import (
    field_selector_problems,
    label_selector_problems,
)
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._core import rest as _rest
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._core.errors import (
    ApiException,
    KubedebugError,
    Operation,
    translate,
)
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._core.option import Option, argument_spec


# Which pods a task works on, shared by every module (documented in the pods doc fragment).
SELECTION_OPTIONS: t.Tuple[Option, ...] = (
    Option("namespace", {"type": "str", "default": "default"}),
    Option("pod", {"type": "str"}),
    Option("label_selectors", {"type": "list", "elements": "str", "default": []}),
    Option("field_selectors", {"type": "list", "elements": "str", "default": []}),
    Option("all_namespaces", {"type": "bool", "default": False}),
)
POD_SELECTION_ARG_SPEC: t.Dict[str, t.Any] = argument_spec(SELECTION_OPTIONS)

# Which share of the selected pods this run takes (documented in the shard doc fragment). The suboptions are not
# required here so that shard_problems can name what is missing and how to fix it.
SHARD_OPTIONS: t.Tuple[Option, ...] = (
    Option("shard", {"type": "dict", "options": {"index": {"type": "int"}, "count": {"type": "int"}}},
           unset_means="every selected pod is worked on"),
)
SHARD_ARG_SPEC: t.Dict[str, t.Any] = argument_spec(SHARD_OPTIONS)

_LIST_PAGE = 500


@dataclass(frozen=True)
class Selection:
    namespace: str = "default"
    pod: t.Optional[str] = None
    label_selectors: t.List[str] = field(default_factory=list)
    field_selectors: t.List[str] = field(default_factory=list)
    all_namespaces: bool = False
    shard: t.Any = None  # the option's value as given; shard_problems checks it, then .part is the Shard

    @classmethod
    def from_params(cls, params: t.Mapping[str, t.Any]) -> "Selection":
        return cls(
            namespace="default" if params.get("namespace") is None else params["namespace"],
            pod=params.get("pod"),
            label_selectors=list(params.get("label_selectors") or []),
            field_selectors=list(params.get("field_selectors") or []),
            all_namespaces=bool(params.get("all_namespaces")),
            shard=params.get("shard"),
        )

    @property
    def part(self) -> t.Optional[_shard.Shard]:
        return _shard.from_value(self.shard)

    def in_shard(self, pods: t.List[t.Dict[str, t.Any]]) -> t.List[t.Dict[str, t.Any]]:
        """The pods of this run's shard (all of them without a shard)."""
        part = self.part
        return pods if part is None else [pod for pod in pods if _shard.holds(part, pod)]

    @property
    def single(self) -> bool:
        return self.pod is not None

    @property
    def label_selector(self) -> str:
        return ",".join(self.label_selectors)

    @property
    def field_selector(self) -> str:
        return ",".join(self.field_selectors)


def selection_problems(selection: Selection, require_selector: bool) -> t.List[str]:
    """Option values and combinations that do not name a clear set of pods."""
    problems = []
    if selection.namespace == "":
        problems.append("namespace: an empty string is not a namespace (it would silently mean 'default'); "
                        "remove namespace for 'default', or name one")
    if selection.pod == "":
        problems.append("pod: an empty string is not a pod name; name the pod, or use label_selectors")
    problems += label_selector_problems("label_selectors", selection.label_selectors)
    problems += field_selector_problems("field_selectors", selection.field_selectors)
    has_selectors = bool(selection.label_selectors or selection.field_selectors)
    if selection.single and (has_selectors or selection.all_namespaces):
        problems.append("pod cannot be combined with label_selectors, field_selectors or all_namespaces")
    if require_selector and not selection.single and not has_selectors:
        problems.append("give either pod, or label_selectors/field_selectors to choose many pods")
    return problems + _shard.shard_problems(selection.shard)


def namespace_present(api_client: t.Any, namespace: str) -> t.Optional[bool]:
    """True/False when the namespace can be checked, None when reading namespaces is not allowed."""
    try:
        _rest.request_json(api_client, "GET", "/api/v1/namespaces/{0}".format(namespace))
        return True
    except ApiException as exc:
        return False if getattr(exc, "status", None) == 404 else None


def read_pod(api_client: t.Any, namespace: str, name: str) -> t.Dict[str, t.Any]:
    """GET one pod; a 404 says whether the pod or its namespace is missing."""
    try:
        return _rest.request_json(api_client, "GET", "/api/v1/namespaces/{0}/pods/{1}".format(namespace, name))
    except ApiException as exc:
        exists = namespace_present(api_client, namespace) if getattr(exc, "status", None) == 404 else None
        raise translate(exc, Operation("get", "pods", namespace, name), namespace_exists=exists) from exc


def each_listed_pod(
    api_client: t.Any, namespace: t.Optional[str], label_selector: str, field_selector: str,
    each: t.Callable[[t.Dict[str, t.Any]], None],
) -> str:
    """LIST pods in one namespace (or all when ``namespace`` is None), following ``continue`` pages, and hand
    every pod to ``each`` as its page arrives; return the list's resourceVersion (the point to start a watch
    from). Nothing of a page is kept here: it is dropped before the next page is read, so what stays in memory
    is what ``each`` keeps (at 10,000 pods, keeping whole pages was most of a process's memory)."""
    path = "/api/v1/namespaces/{0}/pods".format(namespace) if namespace else "/api/v1/pods"
    token = None
    while True:
        query: _rest.Query = [("limit", _LIST_PAGE)]
        if label_selector:
            query.append(("labelSelector", label_selector))
        if field_selector:
            query.append(("fieldSelector", field_selector))
        if token:
            query.append(("continue", token))
        try:
            page = _rest.request_json(api_client, "GET", path, query=query)
        except ApiException as exc:
            raise translate(exc, Operation("list", "pods", namespace)) from exc
        meta = page.get("metadata") or {}
        items = page.pop("items", None) or []
        del page
        for item in items:
            # PodList items carry no kind; add it so every pod dict looks the same downstream.
            item.setdefault("kind", "Pod")
            item.setdefault("apiVersion", "v1")
            each(item)
        del items
        token = meta.get("continue")
        if not token:
            return meta.get("resourceVersion") or ""


def list_pods_versioned(
    api_client: t.Any, namespace: t.Optional[str], label_selector: str = "", field_selector: str = ""
) -> t.Tuple[t.List[t.Dict[str, t.Any]], str]:
    """Every listed pod, whole, and the list's resourceVersion (see each_listed_pod)."""
    pods: t.List[t.Dict[str, t.Any]] = []
    version = each_listed_pod(api_client, namespace, label_selector, field_selector, pods.append)
    return pods, version


def list_pods(api_client: t.Any, namespace: t.Optional[str], label_selector: str = "", field_selector: str = "") -> t.List[t.Dict[str, t.Any]]:
    return list_pods_versioned(api_client, namespace, label_selector, field_selector)[0]


def select_pods(api_client: t.Any, selection: Selection) -> t.List[t.Dict[str, t.Any]]:
    """The pods a task addresses, sorted by namespace and name so results are stable."""
    return select_pods_versioned(api_client, selection).take()


class Selected:
    """The pods a task addresses and the resourceVersion they were read at (where a watch can go on
    from). Planning takes the pods, so no copy of a whole pod outlives it."""

    def __init__(self, pods: t.List[t.Dict[str, t.Any]], resource_version: str, matched: t.Optional[int] = None) -> None:
        self._pods = pods
        self.resource_version = resource_version
        # How many pods the selection matched in all shards together (len(pods) without a shard).
        self.matched = len(pods) if matched is None else matched

    def take(self) -> t.List[t.Dict[str, t.Any]]:
        pods, self._pods = self._pods, []
        return pods


def select_pods_versioned(api_client: t.Any, selection: Selection) -> Selected:
    """select_pods, with the resourceVersion of the read. Each pod is checked against the shard and cut down to
    what the modules read (_api/pod_reduce.py) as its LIST page arrives, so a process holds only its own
    pods, reduced, never the whole list."""
    if selection.single:
        pod = read_pod(api_client, selection.namespace, t.cast(str, selection.pod))
        return Selected([reduce_pod(p) for p in selection.in_shard([pod])],
                        (pod.get("metadata") or {}).get("resourceVersion") or "", matched=1)
    namespace = None if selection.all_namespaces else selection.namespace
    part = selection.part
    kept: t.List[t.Dict[str, t.Any]] = []
    matched = [0]

    def keep(pod: t.Dict[str, t.Any]) -> None:
        matched[0] += 1
        if _shard.holds(part, pod):
            kept.append(reduce_pod(pod))

    version = each_listed_pod(api_client, namespace, selection.label_selector, selection.field_selector, keep)
    kept.sort(key=key)
    return Selected(kept, version, matched=matched[0])


def check_max_pods(pods: t.Sized, max_pods: t.Optional[int], selection: Selection) -> None:
    """Fail before any write when a selector matches more pods than the task allows."""
    if max_pods is not None and len(pods) > max_pods:
        raise KubedebugError(
            "{0} pods match (label_selectors={1}, field_selectors={2}, {3}), more than max_pods={4}. "
            "Nothing was written; narrow the selectors or raise max_pods.".format(
                len(pods),
                selection.label_selectors,
                selection.field_selectors,
                ("all namespaces" if selection.all_namespaces else "namespace " + selection.namespace) + (
                    ", shard index {0} of count {1}".format(selection.part.index, selection.part.count) if selection.part else ""),
                max_pods,
            ),
            matched_pods=len(pods),
        )


def skip_reason(
    pod: t.Mapping[str, t.Any], container_name: str, single: bool, max_ephemeral_containers: t.Optional[int] = None
) -> t.Optional[str]:
    """Why a pod is left alone in this run, or None. A pod already holding ``container_name`` is never
    skipped: the idempotency check must see it."""
    existing = [c.get("name") for c in (pod.get("spec") or {}).get("ephemeralContainers") or []]
    if container_name in existing:
        return None
    if not single:
        if (pod.get("metadata") or {}).get("deletionTimestamp"):
            return "pod is terminating"
        phase = (pod.get("status") or {}).get("phase")
        if phase != "Running":
            return "pod phase is {0}, not Running".format(phase or "unknown")
    if max_ephemeral_containers is not None and len(existing) >= max_ephemeral_containers:
        return "pod already has {0} ephemeral containers (max_ephemeral_containers={1}); they can only be removed by recreating the pod".format(
            len(existing), max_ephemeral_containers
        )
    return None
