"""Helpers for the preflight and cleanup tests: restricted namespaces and pods, workloads
with disruption budgets, and a sampler of Ready replicas."""

from __future__ import annotations

import threading
import time

import kubernetes

from support.ansible import run_module
from support.pods import IMAGES

PREFLIGHT = "kubedebug.ephemeral.ephemeral_container_preflight"
CLEANUP = "kubedebug.ephemeral.ephemeral_container_cleanup"
LOOP = ["sh", "-c", "while true; do sleep 1; done"]


def run_preflight(cluster, args: dict, **kwargs) -> dict:
    return run_module(PREFLIGHT, args, kubeconfig=cluster.kubeconfig if "api_key" not in args else None, **kwargs)


def run_cleanup(cluster, args: dict, **kwargs) -> dict:
    return run_module(CLEANUP, args, kubeconfig=cluster.kubeconfig, **kwargs)


def label_namespace(cluster, namespace: str, labels: dict) -> None:
    cluster.core().patch_namespace(namespace, {"metadata": {"labels": labels}})


def restricted_pod(name: str) -> dict:
    """A pod Pod Security 'restricted' admits: non-root (pod level, so ephemeral containers run as 1000 too)."""
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "labels": {"app": name}},
            "spec": {"terminationGracePeriodSeconds": 1,
                     "securityContext": {"runAsNonRoot": True, "runAsUser": 1000, "seccompProfile": {"type": "RuntimeDefault"}},
                     "containers": [{"name": "app", "image": IMAGES["tools"], "imagePullPolicy": "IfNotPresent", "command": LOOP,
                                     "securityContext": {"allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]}}}]}}


def _template(app: str) -> dict:
    return {"metadata": {"labels": {"app": app}},
            "spec": {"terminationGracePeriodSeconds": 1,
                     "containers": [{"name": "app", "image": IMAGES["tools"], "imagePullPolicy": "IfNotPresent", "command": LOOP}]}}


def deployment(cluster, namespace: str, name: str, replicas: int) -> None:
    kubernetes.client.AppsV1Api(cluster.api_client()).create_namespaced_deployment(namespace, {
        "metadata": {"name": name}, "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}},
                                             "template": _template(name)}})


def statefulset(cluster, namespace: str, name: str) -> None:
    cluster.core().create_namespaced_service(namespace, {"metadata": {"name": name},
                                                         "spec": {"clusterIP": "None", "selector": {"app": name}}})
    kubernetes.client.AppsV1Api(cluster.api_client()).create_namespaced_stateful_set(namespace, {
        "metadata": {"name": name}, "spec": {"replicas": 1, "serviceName": name, "selector": {"matchLabels": {"app": name}},
                                             "template": _template(name)}})


def budget(cluster, namespace: str, name: str, min_available: int) -> None:
    kubernetes.client.PolicyV1Api(cluster.api_client()).create_namespaced_pod_disruption_budget(namespace, {
        "metadata": {"name": name}, "spec": {"minAvailable": min_available, "selector": {"matchLabels": {"app": name}}}})


def ready_pods(cluster, namespace: str, app: str) -> list[dict]:
    pods = cluster.core().list_namespaced_pod(namespace, label_selector=f"app={app}").items
    return [cluster.core().api_client.sanitize_for_serialization(p) for p in pods if not p.metadata.deletion_timestamp
            and any(c.type == "Ready" and c.status == "True" for c in p.status.conditions or [])]


def wait_ready(cluster, namespace: str, app: str, count: int, timeout: float = 120) -> list[dict]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pods = ready_pods(cluster, namespace, app)
        if len(pods) >= count:
            return sorted(pods, key=lambda p: p["metadata"]["name"])
        time.sleep(0.5)
    raise AssertionError(f"{app} in {namespace}: fewer than {count} Ready pods after {timeout} s")


class ReadySampler:
    """Counts the Ready pods of one app every 0.2 s in a thread; ``minimum`` is the lowest count seen."""

    def __init__(self, cluster, namespace: str, app: str) -> None:
        self.cluster, self.namespace, self.app = cluster, namespace, app
        self.samples: list[int] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.samples.append(len(ready_pods(self.cluster, self.namespace, self.app)))
            time.sleep(0.2)

    def __enter__(self) -> "ReadySampler":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def minimum(self) -> int:
        return min(self.samples)
