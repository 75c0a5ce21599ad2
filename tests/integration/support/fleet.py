"""Fleets of pods on the scale bed (kwok nodes) and what a client's requests cost, from the audit log."""

from __future__ import annotations

import collections
import concurrent.futures
import time
from pathlib import Path

import kubernetes

from support.audit import complete_events
from support.pods import IMAGES

LABEL = "fleet=yes"
# The module's requests carry this user agent (plugins/module_utils/_core/connection.py); kubectl's start with "kubectl/".
MODULE_AGENT = "kubedebug.ephemeral/"
KUBECTL_AGENT = "kubectl/"


def fleet_task(ns: str, **extra) -> dict:
    """ephemeral_container's arguments for every pod labelled LABEL: ps, wait until terminated, logs."""
    return {"namespace": ns, "label_selectors": [LABEL], "image": IMAGES["tools"], "command": ["ps"], "target": "app",
            "run_id": "it", "wait": True, "wait_for": "terminated", "wait_timeout": 120, "logs": True, **extra}


def fleet_pod(name: str, label: str) -> dict:
    key, value = label.split("=", 1)
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "labels": {key: value}},
            "spec": {"terminationGracePeriodSeconds": 0, "automountServiceAccountToken": False,
                     # One sleeping process: a real node runs 100 of these (kwok runs nothing).
                     "containers": [{"name": "app", "image": IMAGES["tools"], "imagePullPolicy": "IfNotPresent",
                                     "command": ["sleep", "1000000"]}]}}


def create_fleet(core: kubernetes.client.CoreV1Api, namespace: str, count: int, label: str = "fleet=yes",
                 timeout: float = 300) -> list[str]:
    """``count`` pods with ``label``, created 8 at a time; returns their names once all are Running. Pods of those
    names already there are kept (a benchmark's fleet, half made by an interrupted run)."""
    names = [f"pod-{i:04d}" for i in range(count)]
    there = {p.metadata.name for p in core.list_namespaced_pod(namespace, label_selector=label).items}
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda n: core.create_namespaced_pod(namespace, fleet_pod(n, label)),
                      [name for name in names if name not in there]))
    deadline = time.monotonic() + timeout
    running = 0
    while time.monotonic() < deadline:
        pods = core.list_namespaced_pod(namespace, label_selector=label).items
        running = sum(p.status.phase == "Running" for p in pods)
        if running == count:
            return names
        time.sleep(0.5)
    raise AssertionError(f"{running} of {count} pods Running after {timeout} s")


def ephemeral_counts(core: kubernetes.client.CoreV1Api, namespace: str, label: str) -> dict[str, int]:
    return {p.metadata.name: len(p.spec.ephemeral_containers or [])
            for p in core.list_namespaced_pod(namespace, label_selector=label).items}


def client_requests(audit_log: Path, offset: int, agent: str, namespace: str | None = None) -> list[dict]:
    """Each request (one audit event per request, by auditID) whose user agent starts with ``agent``,
    logged after ``offset``; cluster-wide requests (discovery) count for every namespace."""
    by_id: dict[str, dict] = {}
    for event in complete_events(audit_log, offset):
        if not event.get("userAgent", "").startswith(agent):
            continue
        ref_ns = (event.get("objectRef") or {}).get("namespace")
        if namespace is not None and ref_ns not in (None, namespace):
            continue
        by_id[event["auditID"]] = event  # ResponseComplete after ResponseStarted (watches)
    return list(by_id.values())


def by_verb(events: list[dict]) -> dict[str, int]:
    """Requests counted by verb and subresource, e.g. {"patch pods/ephemeralcontainers": 200, "watch pods": 1}."""
    counted: collections.Counter = collections.Counter()
    for event in events:
        ref = event.get("objectRef") or {}
        what = ref.get("resource") or event.get("requestURI", "").split("?")[0]
        if ref.get("subresource"):
            what += "/" + ref["subresource"]
        counted[f"{event['verb']} {what}"] += 1
    return dict(counted)
