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


# The resource metrics API served by the apiserver itself, from a CRD of the same group, version and resource as
# metrics-server's (an aggregated API the bed does not run): the module's request and the server's answer are real,
# only the figures are the test's.
METRICS_CRD = {
    "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
    "metadata": {"name": "pods.metrics.k8s.io",
                 # *.k8s.io groups need this annotation (KEP-1111); the value says it is not an approved API.
                 "annotations": {"api-approved.kubernetes.io": "unapproved, test stand-in for metrics-server"}},
    "spec": {"group": "metrics.k8s.io", "scope": "Namespaced",
             "names": {"plural": "pods", "singular": "podmetrics", "kind": "PodMetrics", "listKind": "PodMetricsList"},
             "versions": [{"name": "v1beta1", "served": True, "storage": True,
                           "schema": {"openAPIV3Schema": {"type": "object", "x-kubernetes-preserve-unknown-fields": True}}}]},
}


def serve_pod_metrics(cluster) -> None:
    ext = kubernetes.client.ApiextensionsV1Api(cluster.api_client())
    ext.create_custom_resource_definition(METRICS_CRD)

    def established():
        crd = ext.read_custom_resource_definition("pods.metrics.k8s.io")
        return any(c.type == "Established" and c.status == "True" for c in crd.status.conditions or [])

    wait_until(established, 60, "the metrics CRD established")


def stop_serving_pod_metrics(cluster) -> None:
    try:
        kubernetes.client.ApiextensionsV1Api(cluster.api_client()).delete_custom_resource_definition("pods.metrics.k8s.io")
    except kubernetes.client.ApiException as exc:
        if exc.status != 404:
            raise


def set_pod_metrics(cluster, namespace: str, pod: str, container: str, memory: str) -> None:
    """What metrics-server would report for the pod: the container's working set."""
    api = kubernetes.client.CustomObjectsApi(cluster.api_client())
    body = {"apiVersion": "metrics.k8s.io/v1beta1", "kind": "PodMetrics", "metadata": {"name": pod, "namespace": namespace},
            "window": "30s", "containers": [{"name": container, "usage": {"cpu": "1m", "memory": memory}}]}
    try:
        api.delete_namespaced_custom_object("metrics.k8s.io", "v1beta1", namespace, "pods", pod)
    except kubernetes.client.ApiException as exc:
        if exc.status != 404:
            raise
    api.create_namespaced_custom_object("metrics.k8s.io", "v1beta1", namespace, "pods", body)
