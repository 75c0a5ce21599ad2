# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The guards' readings and decisions for the pods a task would add a container to (the decisions are in
_api/guards.py). The memory guard needs the target container's working set: from the metrics API (one LIST per
namespace), else from its cgroup, read by a tiny probe container (``guard_probe_image``) in the target's process
namespace: ``/proc/1/root`` is the target's root, whose ``/sys/fs/cgroup`` is the target's own cgroup. The probe is an
ephemeral container too, so it stays in the pod; it is named ``mem-<capture name>`` and a re-run reads it again
instead of adding another. In check mode no probe is written and an unknown headroom does not skip."""

from __future__ import annotations

import typing as t

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api import guards as _guards
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api import pod as _pod
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api.era import Era
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api.names import DNS1123_LABEL_MAX
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._cluster import logs as _logs
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._cluster import metrics as _metrics
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._cluster import watch as _watch
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._cluster import write as _write
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._core import concurrency as _concurrency
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._core.errors import KubedebugError
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._spec.build import build_container

# cgroup v2 (memory.current, memory.stat) or v1 (memory/usage_in_bytes, total_inactive_file); busybox sh is enough.
PROBE_SCRIPT = (
    "r=/proc/1/root/sys/fs/cgroup; "
    "if [ -r $r/memory.current ]; then echo usage $(cat $r/memory.current); grep '^inactive_file ' $r/memory.stat; "
    "elif [ -r $r/memory/memory.usage_in_bytes ]; then echo usage $(cat $r/memory/memory.usage_in_bytes); "
    "grep '^total_inactive_file ' $r/memory/memory.stat; "
    "else echo \"kubedebug: no cgroup memory files under $r\" >&2; exit 3; fi"
)
PROBE_WAIT_SECONDS = 60

Key = t.Tuple[str, str]


def needs_of(params: t.Mapping[str, t.Any]) -> _guards.Needs:
    return _guards.Needs(params.get("guard_memory_mib"), params.get("guard_pause_seconds"),
                         frozenset(params.get("guard_override") or ()))


def probe_name(capture: str) -> str:
    return ("mem-" + capture)[:DNS1123_LABEL_MAX].rstrip("-")


def probe_container(params: t.Mapping[str, t.Any], target: str, capture: str) -> t.Dict[str, t.Any]:
    """The probe: the general profile's SYS_PTRACE lets root open /proc/1/root of a target running as another user."""
    return build_container({"name": probe_name(capture), "image": params["guard_probe_image"], "target": target,
                            "command": ["sh", "-c", PROBE_SCRIPT], "profile": "general",
                            "image_pull_policy": params.get("image_pull_policy")})


def _from_metrics(api_client: t.Any, wanted: t.Mapping[Key, str]) -> t.Dict[Key, _guards.MemoryReading]:
    readings: t.Dict[Key, _guards.MemoryReading] = {}
    for namespace in sorted({key[0] for key in wanted}):
        sets, why = _metrics.working_sets(api_client, namespace)
        for key, container in wanted.items():
            if key[0] != namespace:
                continue
            if container in sets.get(key, {}):
                readings[key] = _guards.MemoryReading(_guards.METRICS, sets[key][container])
            else:
                readings[key] = _guards.MemoryReading(why=why or "the metrics API has no figure for this pod yet")
    return readings


def _probe(api_client: t.Any, era: Era, params: t.Mapping[str, t.Any], pods: t.Mapping[Key, t.Mapping[str, t.Any]],
           wanted: t.Mapping[Key, str], capture: t.Mapping[Key, str]) -> t.Dict[Key, _guards.MemoryReading]:
    """Write (or find) the probe in each pod, wait for all of them at once, read their output."""
    specs = {key: probe_container(params, wanted[key], capture[key]) for key in wanted}
    failed: t.Dict[Key, str] = {}

    def add(key: Key) -> None:
        before = _pod.ephemeral_containers(pods[key])
        if _pod.find_container(before, specs[key]["name"]) is None:
            _write.add_container(api_client, era, key[0], key[1], specs[key], before, field_manager=params.get("field_manager"))

    for key, outcome in zip(list(specs), _concurrency.run_bounded(add, list(specs), params.get("max_concurrency") or 1)):
        if isinstance(outcome, KubedebugError):
            failed[key] = "the probe container could not be added: {0}".format(outcome.msg)
    targets = {key: _watch.Target(key[0], key[1], specs[key]["name"]) for key in specs if key not in failed}
    if targets:
        try:
            _watch.wait_for_containers(api_client, list(targets.values()), "terminated",
                                       min(PROBE_WAIT_SECONDS, params.get("wait_timeout") or PROBE_WAIT_SECONDS),
                                       pull_errors_fatal=True)
        except KubedebugError:
            pass  # a probe that did not finish has no usable output; said per pod below
    readings: t.Dict[Key, _guards.MemoryReading] = {key: _guards.MemoryReading(why=why) for key, why in failed.items()}
    for key, target in targets.items():
        # By field name: LogRead grew a field once, and unpacking it broke this line.
        read = _logs.try_read_logs(api_client, key[0], key[1], target.container)
        working_set = _guards.working_set_from_cgroup(read.text)
        if working_set is None:
            readings[key] = _guards.MemoryReading(why="the probe container {0} gave no cgroup reading ({1})".format(
                target.container, read.problem or (read.text or "no output").strip()[:200]))
        else:
            readings[key] = _guards.MemoryReading(_guards.CGROUP, working_set)
    return readings


def evaluate(api_client: t.Any, era: Era, params: t.Mapping[str, t.Any], pods: t.Mapping[Key, t.Mapping[str, t.Any]],
             capture: t.Mapping[Key, str], check_mode: bool) -> t.Dict[Key, _guards.GuardReport]:
    """The guards of every pod in ``pods`` (the ones a capture would be added to); ``capture`` names its container."""
    needs = needs_of(params)
    if not needs.any:
        return {}
    target = params.get("target")
    wanted: t.Dict[Key, str] = {}
    if needs.memory_mib is not None:
        for key, pod in pods.items():
            container = _guards.guarded_container(pod, target)
            if container and _guards.memory_limit(pod, container) is not None:
                wanted[key] = container
    readings = _from_metrics(api_client, wanted) if wanted else {}
    unread = {key: container for key, container in wanted.items() if readings[key].working_set is None}
    if unread and params.get("guard_probe_image") and not check_mode:
        readings.update(_probe(api_client, era, params, pods, unread, capture))
    elif unread and check_mode and params.get("guard_probe_image"):
        for key in unread:
            readings[key] = _guards.MemoryReading(why=readings[key].why + "; check mode writes no probe container")
    return {key: _guards.evaluate(pod, target, needs, readings.get(key, _guards.MemoryReading()),
                                  measure=not (check_mode and params.get("guard_probe_image")))
            for key, pod in pods.items()}
