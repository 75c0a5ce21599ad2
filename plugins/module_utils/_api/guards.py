# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The guards checked before a capture, as pure decisions: a capture that pauses its target or takes memory from it
can get the pod restarted (a liveness probe that fails while the JVM is stopped at a safepoint, an OOM kill when the
dump's memory counts against the container's limit). Each guard reads the pod and, for memory, a reading of the
target container's working set (from the metrics API or its cgroup); the caller gathers the reading.

- memory: the target container's limit minus its working set must exceed what the capture needs. No limit: no bound
  from the container (the guard passes and says so); a limit without a reading: unknown, which skips.
- liveness: the target's liveness probe restarts it after about ``periodSeconds`` x ``failureThreshold`` seconds of
  failures; a capture expected to pause it that long or longer is skipped.
- terminating: a pod being deleted is not worth a capture (its containers are stopping).
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass, field

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api.pod import pod_containers
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api.quantity import MIB, mib, parse_bytes

MEMORY = "memory"
LIVENESS = "liveness"
GUARDS = (MEMORY, LIVENESS)
# The kubelet's defaults when a probe leaves them out (corev1 Probe).
PROBE_PERIOD_DEFAULT = 10
PROBE_FAILURE_THRESHOLD_DEFAULT = 3

METRICS = "metrics"
CGROUP = "cgroup"
UNKNOWN = "unknown"


@dataclass(frozen=True)
class Needs:
    """What a capture declares it needs: memory in MiB and the longest pause of its target, in seconds (None: that
    guard is not checked), and the guards the user overrides."""

    memory_mib: t.Optional[int] = None
    pause_seconds: t.Optional[int] = None
    override: t.FrozenSet[str] = frozenset()

    @property
    def any(self) -> bool:
        return self.memory_mib is not None or self.pause_seconds is not None


@dataclass(frozen=True)
class MemoryReading:
    """The target container's working set in bytes, where it came from, and why there is none."""

    source: str = UNKNOWN
    working_set: t.Optional[int] = None
    why: t.Optional[str] = None


@dataclass
class GuardReport:
    """What was checked for one pod, and the skip reason when a guard stops the capture."""

    container: t.Optional[str]
    terminating: bool
    memory: t.Dict[str, t.Any] = field(default_factory=dict)
    liveness: t.Dict[str, t.Any] = field(default_factory=dict)
    overridden: t.List[str] = field(default_factory=list)
    skip_reason: t.Optional[str] = None

    def as_dict(self) -> t.Dict[str, t.Any]:
        return {"container": self.container, "terminating": self.terminating, "memory": self.memory,
                "liveness": self.liveness, "overridden": self.overridden, "skip_reason": self.skip_reason}


def _container(pod: t.Mapping[str, t.Any], name: t.Optional[str]) -> t.Optional[t.Mapping[str, t.Any]]:
    found = [c for c in pod_containers(pod) if name is None or c.get("name") == name]
    return found[0] if found else None


def guarded_container(pod: t.Mapping[str, t.Any], target: t.Optional[str]) -> t.Optional[str]:
    """The container the guards look at: the target, or the pod's only container."""
    if target:
        return target
    regular = [c.get("name") for c in (pod.get("spec") or {}).get("containers") or []]
    return regular[0] if len(regular) == 1 else None


def memory_limit(pod: t.Mapping[str, t.Any], container: t.Optional[str]) -> t.Optional[int]:
    """The container's memory limit in bytes, or None when it has none."""
    spec = _container(pod, container) if container else None
    return parse_bytes(((spec or {}).get("resources") or {}).get("limits", {}).get("memory")) if spec else None


def liveness_budget(pod: t.Mapping[str, t.Any], container: t.Optional[str]) -> t.Optional[t.Dict[str, int]]:
    """periodSeconds, failureThreshold and their product for the container's liveness probe; None without one."""
    spec = _container(pod, container) if container else None
    probe = (spec or {}).get("livenessProbe")
    if not probe:
        return None
    period = int(probe.get("periodSeconds") or PROBE_PERIOD_DEFAULT)
    threshold = int(probe.get("failureThreshold") or PROBE_FAILURE_THRESHOLD_DEFAULT)
    return {"period_seconds": period, "failure_threshold": threshold, "budget_seconds": period * threshold}


def working_set_from_cgroup(text: t.Optional[str]) -> t.Optional[int]:
    """The working set from the probe container's output: ``usage <bytes>`` and ``inactive_file <bytes>`` (cgroup v2's
    memory.current and memory.stat, or v1's usage_in_bytes and total_inactive_file), usage minus inactive file
    pages, as the kubelet's cAdvisor computes it."""
    values: t.Dict[str, int] = {}
    for line in (text or "").splitlines():
        words = line.split()
        if len(words) == 2 and words[1].isdigit():
            values[words[0].replace("total_", "")] = int(words[1])
    if "usage" not in values:
        return None
    return max(values["usage"] - values.get("inactive_file", 0), 0)


def _memory(pod: t.Mapping[str, t.Any], container: t.Optional[str], needs: Needs, reading: MemoryReading,
            measure: bool) -> t.Tuple[t.Dict[str, t.Any], t.Optional[str]]:
    limit = memory_limit(pod, container)
    needed = needs.memory_mib * MIB if needs.memory_mib is not None else None
    report: t.Dict[str, t.Any] = {"needed_bytes": needed, "limit_bytes": limit, "working_set_bytes": reading.working_set,
                                  "headroom_bytes": None, "source": reading.source, "unknown_because": reading.why}
    if needed is None:
        return report, None
    if container is None:
        report["source"], report["unknown_because"] = UNKNOWN, "no target container (the pod has several; set target)"
        return report, "memory guard: the headroom is unknown because the pod has several containers and no target is set"
    if limit is None:
        report["source"], report["unknown_because"] = "no limit", None
        return report, None
    if reading.working_set is None:
        if not measure:
            return report, None
        return report, "memory guard: the headroom of container {0} is unknown ({1}); the capture needs {2}".format(
            container, reading.why or "no reading", mib(needed))
    headroom = limit - reading.working_set
    report["headroom_bytes"] = headroom
    if headroom <= needed:
        return report, ("memory guard: the capture needs {0} but container {1} has {2} of headroom (limit {3} minus "
                        "working set {4}, from the {5})").format(
            mib(needed), container, mib(headroom), mib(limit), mib(reading.working_set),
            "metrics API" if reading.source == METRICS else "container's cgroup")
    return report, None


def _liveness(pod: t.Mapping[str, t.Any], container: t.Optional[str], needs: Needs) -> t.Tuple[t.Dict[str, t.Any], t.Optional[str]]:
    budget = liveness_budget(pod, container)
    report: t.Dict[str, t.Any] = {"pause_seconds": needs.pause_seconds, "probe": budget is not None}
    report.update(budget or {"period_seconds": None, "failure_threshold": None, "budget_seconds": None})
    if needs.pause_seconds is None or budget is None:
        return report, None
    if needs.pause_seconds >= budget["budget_seconds"]:
        return report, ("liveness guard: the capture may pause container {0} for {1} s, and its liveness probe restarts it "
                        "after {2} s of failures (periodSeconds {3} x failureThreshold {4})").format(
            container, needs.pause_seconds, budget["budget_seconds"], budget["period_seconds"], budget["failure_threshold"])
    return report, None


def evaluate(pod: t.Mapping[str, t.Any], target: t.Optional[str], needs: Needs, reading: MemoryReading,
             measure: bool = True) -> GuardReport:
    """Every guard for one pod. ``measure`` false (check mode, when no reading could be taken without a write) lets
    an unknown headroom pass, since the real run measures it."""
    container = guarded_container(pod, target)
    terminating = bool((pod.get("metadata") or {}).get("deletionTimestamp"))
    report = GuardReport(container, terminating)
    report.memory, memory_reason = _memory(pod, container, needs, reading, measure)
    report.liveness, liveness_reason = _liveness(pod, container, needs)
    reasons = []
    for guard, reason in ((MEMORY, memory_reason), (LIVENESS, liveness_reason)):
        if reason and guard in needs.override:
            report.overridden.append(guard)
        elif reason:
            reasons.append(reason)
    if terminating:
        reasons.insert(0, "the pod is terminating")
    if reasons:
        overridable = [g for g, r in ((MEMORY, memory_reason), (LIVENESS, liveness_reason)) if r]
        hint = "; set guard_override: [{0}] to capture anyway".format(", ".join(overridable)) if overridable else ""
        report.skip_reason = "; ".join(reasons) + hint
    return report
