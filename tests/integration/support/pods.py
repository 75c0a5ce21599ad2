"""Making and waiting for the pods the integration tests debug."""

from __future__ import annotations

import time
import uuid

import kubernetes

from support.clusters import testbed_eras

IMAGES = testbed_eras.IMAGES  # the refs the test bed imports; one list for harness and tests
JAVA_APP_UID = 1000  # tests/cluster/images: the JRE image runs as this user; jstack must too


def new_namespace(core: kubernetes.client.CoreV1Api, prefix: str) -> str:
    name = f"{prefix}-{uuid.uuid4().hex[:6]}"
    core.create_namespace({"metadata": {"name": name}})
    # Pods are refused until the namespace's default ServiceAccount exists.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            core.read_namespaced_service_account("default", name)
            return name
        except kubernetes.client.ApiException:
            time.sleep(0.5)
    raise AssertionError(f"namespace {name} got no default ServiceAccount")


def _pod(name: str, labels: dict | None, app: dict, volumes: list[dict] | None = None) -> dict:
    """A pod whose one container ``app`` is ``app`` (image and the rest), quick to delete."""
    spec: dict = {"terminationGracePeriodSeconds": 1,
                  "containers": [{"name": "app", "imagePullPolicy": "IfNotPresent", **app}]}
    if volumes:
        spec["volumes"] = volumes
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "labels": labels or {"app": name}},
            "spec": spec}


def tools_pod(name: str, command: list[str] | None = None, labels: dict | None = None) -> dict:
    return _pod(name, labels, {"image": IMAGES["tools"],
                               "command": command or ["sh", "-c", "while true; do sleep 1; done"]})


def java_pod(name: str, labels: dict | None = None) -> dict:
    # The JVM's attach socket lives in /tmp: a volume, so a debugging container can mount it too.
    return _pod(name, labels, {"image": IMAGES["java_app"], "volumeMounts": [{"name": "tmp", "mountPath": "/tmp"}]},
                volumes=[{"name": "tmp", "emptyDir": {}}])


def create_and_wait(core: kubernetes.client.CoreV1Api, namespace: str, manifest: dict, timeout: float = 120) -> dict:
    core.create_namespaced_pod(namespace, manifest)
    return wait_running(core, namespace, manifest["metadata"]["name"], timeout)


def wait_running(core: kubernetes.client.CoreV1Api, namespace: str, name: str, timeout: float = 120) -> dict:
    deadline = time.monotonic() + timeout
    pod = None
    while time.monotonic() < deadline:
        pod = core.read_namespaced_pod(name, namespace)
        statuses = pod.status.container_statuses or []
        if pod.status.phase == "Running" and statuses and all(s.state.running for s in statuses):
            return core.api_client.sanitize_for_serialization(pod)
        time.sleep(0.5)
    raise AssertionError(f"pod {namespace}/{name} not Running after {timeout} s: {pod.status if pod else None}")


def wait_ephemeral_state(core: kubernetes.client.CoreV1Api, namespace: str, pod: str, container: str,
                         want: str = "running", timeout: float = 120) -> dict:
    """Wait until the ephemeral container is running (or terminated), or terminated when want='terminated'."""
    deadline = time.monotonic() + timeout
    status = None
    while time.monotonic() < deadline:
        obj = core.read_namespaced_pod(pod, namespace)
        for status in obj.status.ephemeral_container_statuses or []:
            if status.name == container:
                if status.state.terminated or (want == "running" and status.state.running):
                    return core.api_client.sanitize_for_serialization(status)
        time.sleep(0.5)
    raise AssertionError(f"ephemeral container {container} in {namespace}/{pod} not {want}: {status}")
