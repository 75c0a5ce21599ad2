# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""ephemeral_container_info's flow: the selected pods read, each ephemeral container's spec merged with its status
and who added it, and its logs when asked. Never writes."""

from __future__ import annotations

import typing as t

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api import field_managers as _field_managers
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api import pod as _pod
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api import status as _status
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._cluster import discovery as _discovery
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._cluster import logs as _logs
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._cluster import pods as _pods
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._core import concurrency as _concurrency
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._core.option import Option
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._spec import detail as _detail
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._spec.options import LOG_OPTIONS

OPTIONS: t.Tuple[Option, ...] = (
    (Option("name", dict(type="str"), unset_means="every ephemeral container is returned"),) + LOG_OPTIONS
    + (_detail.RESULTS_DETAIL_OPTION,)
)

# What a compact container entry keeps: what a user acts on (which container, which image, how it ended, its logs) and
# who added it (one small mapping, the module's answer to "who did this"). The rest of the stored spec (command, args,
# securityContext, mounts, the server's defaults: most of an entry) is left out; results_detail: full returns it.
COMPACT_KEYS: t.Tuple[str, ...] = ("name", "image", "status", "logs", "logs_truncated", "added_by")

# Logs are read side by side, like ephemeral_container's default max_concurrency.
LOG_CONCURRENCY = 5


def describe_pod(pod: t.Mapping[str, t.Any], name: t.Optional[str], full: bool = True) -> t.Dict[str, t.Any]:
    """One pod's entry: its ephemeral containers, each spec merged with its status (compact without ``full``)."""
    namespace, pod_name = _pod.key(pod)
    specs = _pod.ephemeral_containers(pod)
    writers = _field_managers.writers(pod)
    records = _field_managers.records(pod)
    containers = []
    for spec in specs:
        if name is not None and spec.get("name") != name:
            continue
        entry = dict(spec)
        entry["status"] = _status.summarize(_status.container_status(pod, spec.get("name", "")))
        entry["logs"] = None
        entry["logs_truncated"] = False
        entry["added_by"] = writers.get(spec.get("name", ""))
        entry["annotation"] = records.get(spec.get("name", ""))
        containers.append(entry if full else _detail.compact(entry, [key for key in entry if key not in COMPACT_KEYS]))
    return {
        "namespace": namespace,
        "pod": pod_name,
        "node": (pod.get("spec") or {}).get("nodeName"),
        "phase": (pod.get("status") or {}).get("phase"),
        "ephemeral_container_count": len(specs),
        "ephemeral_containers": containers,
    }


def read_pods(api_client: t.Any, selection: _pods.Selection) -> t.List[t.Dict[str, t.Any]]:
    if selection.single:
        # A LIST with a name selector: a missing pod is an empty answer, as with k8s_info.
        return selection.in_shard(_pods.list_pods(api_client, selection.namespace, field_selector="metadata.name={0}".format(selection.pod)))
    return _pods.select_pods(api_client, selection)


def add_logs(api_client: t.Any, pods: t.List[t.Dict[str, t.Any]], tail_lines: t.Optional[int], warn: t.Callable[[str], None],
             limit_bytes: int = 0) -> None:
    wanted = [(pod, container) for pod in pods for container in pod["ephemeral_containers"]]
    answers = _concurrency.run_bounded(
        lambda item: _logs.try_read_logs(api_client, item[0]["namespace"], item[0]["pod"], item[1]["name"], tail_lines, limit_bytes),
        wanted, LOG_CONCURRENCY)
    for (pod, container), (text, problem, truncated) in zip(wanted, answers):
        container["logs"] = text
        container["logs_truncated"] = truncated
        if problem:
            warn("logs of {0}/{1} container {2!r}: {3}".format(pod["namespace"], pod["pod"], container["name"], problem))


def run(api_client: t.Any, server: _discovery.ServerInfo, selection: _pods.Selection, params: t.Mapping[str, t.Any],
        warn: t.Callable[[str], None]) -> t.Dict[str, t.Any]:
    full = _detail.full_results(params.get("results_detail") or "auto", selection.single)
    pods = [describe_pod(pod, params.get("name"), full) for pod in sorted(read_pods(api_client, selection), key=_pod.key)]
    if params.get("logs"):
        add_logs(api_client, pods, params.get("logs_tail_lines"), warn, params.get("logs_limit_bytes") or 0)
    return dict(changed=False, pods=pods, server=server.as_dict())
