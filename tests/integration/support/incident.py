"""Pods and workloads for the guard and isolation tests: JVMs with memory limits and liveness probes, a Deployment
behind a Service, and the Service's endpoints as the EndpointSlice controller publishes them."""

from __future__ import annotations

import time

import kubernetes

from support.ansible import run_module
from support.pods import IMAGES, java_pod

ISOLATE = "kubedebug.ephemeral.pod_isolate"


def run_isolate(cluster, args: dict, **kwargs) -> dict:
    return run_module(ISOLATE, args, kubeconfig=cluster.kubeconfig, **kwargs)


def guarded_java_pod(name: str, labels: dict, memory: str, liveness: dict | None = None) -> dict:
    """The JRE-only app with a memory limit and, when given, an exec liveness probe (``true``, never failing by
    itself, so only its timing matters to the guard)."""
    manifest = java_pod(name, labels=labels)
    app = manifest["spec"]["containers"][0]
    app["resources"] = {"limits": {"memory": memory}, "requests": {"memory": "64Mi"}}
    if liveness:
        app["livenessProbe"] = {"exec": {"command": ["true"]}, **liveness}
    return manifest


def java_deployment(cluster, namespace: str, name: str, replicas: int = 1) -> None:
    """A Deployment of the JVM app (its /tmp a volume, for the thread dump) and a Service that selects it."""
    template = java_pod(name, labels={"app": name})
    template["spec"]["containers"][0]["ports"] = [{"containerPort": 8080}]
    kubernetes.client.AppsV1Api(cluster.api_client()).create_namespaced_deployment(namespace, {
        "metadata": {"name": name},
        "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}},
                 "template": {"metadata": {"labels": {"app": name}}, "spec": template["spec"]}}})
    cluster.core().create_namespaced_service(namespace, {
        "metadata": {"name": name}, "spec": {"selector": {"app": name}, "ports": [{"port": 80, "targetPort": 8080}]}})


def endpoint_pods(cluster, namespace: str, service: str) -> set[str]:
    """The pods the Service's EndpointSlices name (each endpoint's targetRef)."""
    slices = kubernetes.client.DiscoveryV1Api(cluster.api_client()).list_namespaced_endpoint_slice(
        namespace, label_selector=f"kubernetes.io/service-name={service}").items
    return {e.target_ref.name for s in slices for e in s.endpoints or [] if e.target_ref}


def wait_until(condition, timeout: float, what: str, interval: float = 0.25):
    """Poll ``condition`` until it returns something true; returns (value, seconds it took)."""
    started = time.monotonic()
    while True:
        value = condition()
        if value:
            return value, time.monotonic() - started
        if time.monotonic() - started > timeout:
            raise AssertionError(f"{what}: not within {timeout} s")
        time.sleep(interval)


def tools_image() -> str:
    return IMAGES["tools"]
