"""Helpers for the ephemeral_container / ephemeral_container_info integration tests."""

from __future__ import annotations

import base64
import contextlib
import json
import tempfile
import time
from pathlib import Path
from typing import Any, Iterator

import kubernetes
import yaml

from support.ansible import run_module
from support.pods import create_and_wait, tools_pod

EC = "kubedebug.ephemeral.ephemeral_container"
INFO = "kubedebug.ephemeral.ephemeral_container_info"


def run_ec(cluster, args: dict[str, Any], **kwargs: Any) -> dict:
    return run_module(EC, args, kubeconfig=cluster.kubeconfig, **kwargs)


def run_info(cluster, args: dict[str, Any], **kwargs: Any) -> dict:
    return run_module(INFO, args, kubeconfig=cluster.kubeconfig, **kwargs)


def raw_pod(cluster, namespace: str, name: str) -> dict:
    """The pod's JSON exactly as the API serves it (timestamps as the server writes them)."""
    return json.loads(cluster.kubectl("get", "pod", "-n", namespace, name, "-o", "json").stdout)


def ephemeral_specs(pod: dict) -> list[dict]:
    return list((pod.get("spec") or {}).get("ephemeralContainers") or [])


# What ephemeral_container_info adds to each stored container: the rest of an entry is the spec as the API holds it.
INFO_VIEW_KEYS = ("status", "logs", "logs_truncated", "added_by", "annotation")


def info_spec(entry: dict) -> dict:
    """An entry of ephemeral_container_info's pods[].ephemeral_containers without what the module adds."""
    return {key: value for key, value in entry.items() if key not in INFO_VIEW_KEYS}


def ephemeral_names(pod: dict) -> list[str]:
    return [c["name"] for c in ephemeral_specs(pod)]


def ephemeral_status(pod: dict, name: str) -> dict | None:
    for status in (pod.get("status") or {}).get("ephemeralContainerStatuses") or []:
        if status["name"] == name:
            return status
    return None


def delete_namespace(cluster, namespace: str) -> None:
    """Delete without waiting (pods have a 1 s grace period); ignore a namespace already gone."""
    try:
        cluster.core().delete_namespace(namespace)
    except kubernetes.client.ApiException as exc:
        if exc.status != 404:
            raise


def succeeded(events: list[dict]) -> list[dict]:
    """Audit events whose request the apiserver carried out (2xx)."""
    return [e for e in events if 200 <= (e.get("responseStatus") or {}).get("code", 0) < 300]


def server_and_ca(cluster, directory: Path) -> tuple[str, str]:
    """The API server URL of the cluster's kubeconfig and a file with its CA certificate."""
    config = yaml.safe_load(Path(cluster.kubeconfig).read_text())
    entry = config["clusters"][0]["cluster"]
    if entry.get("certificate-authority-data"):
        ca = directory / "ca.crt"
        ca.write_bytes(base64.b64decode(entry["certificate-authority-data"]))
        return entry["server"], str(ca)
    ca_path = Path(entry["certificate-authority"])
    if not ca_path.is_absolute():
        ca_path = Path(cluster.kubeconfig).parent / ca_path
    return entry["server"], str(ca_path)


def service_account_token(cluster, namespace: str, service_account: str, seconds: int = 600) -> str:
    """A bound token from the TokenRequest API (pods/serviceaccounts/token)."""
    core = cluster.core()
    request = {"apiVersion": "authentication.k8s.io/v1", "kind": "TokenRequest",
               "spec": {"expirationSeconds": seconds}}
    answer = core.create_namespaced_service_account_token(service_account, namespace, request)
    return answer.status.token


def static_pod_manifest(name: str, namespace: str, image: str) -> str:
    return yaml.safe_dump({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": name, "namespace": namespace, "labels": {"app": name}},
        "spec": {"terminationGracePeriodSeconds": 1,
                 "containers": [{"name": "app", "image": image, "imagePullPolicy": "IfNotPresent",
                                 "command": ["sh", "-c", "while true; do sleep 1; done"]}]},
    })


def wait_for_pod(cluster, namespace: str, name: str, timeout: float = 120) -> dict:
    """Wait until a pod (e.g. a mirror pod the kubelet creates) exists and runs."""
    core = cluster.core()
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            pod = core.read_namespaced_pod(name, namespace)
            last = pod.status.phase
            if last == "Running":
                return core.api_client.sanitize_for_serialization(pod)
        except kubernetes.client.ApiException as exc:
            if exc.status != 404:
                raise
        time.sleep(1)
    raise AssertionError(f"pod {namespace}/{name} not Running after {timeout} s (phase {last})")


def temp_dir() -> Path:
    return Path(tempfile.mkdtemp(prefix="kubedebug-it-"))


def only_result(result: dict) -> dict:
    """The one per-pod entry of a successful single-pod task."""
    assert not result.get("failed"), result.get("msg")
    assert len(result["results"]) == 1, result["results"]
    return result["results"][0]


@contextlib.contextmanager
def static_pod(cluster, namespace: str, image: str) -> Iterator[str]:
    """A static pod in ``namespace`` from the era's manifests dir; yields its mirror pod's name and
    removes the manifest afterwards."""
    manifest = cluster.era.manifests_dir / f"kubedebug-it-{namespace}.yaml"
    mirror = f"static-{namespace}-{cluster.era.node_name}"
    manifest.write_text(static_pod_manifest(f"static-{namespace}", namespace, image))
    try:
        wait_for_pod(cluster, namespace, mirror)
        yield mirror
    finally:
        manifest.unlink(missing_ok=True)


def inject_shell(cluster, namespace: str, image: str, audit) -> tuple[dict, dict, dict]:
    """Pod ``web`` and a named, waited-for shell in it; returns (args, task result, its one entry),
    with ``audit`` marked just before the task."""
    create_and_wait(cluster.core(), namespace, tools_pod("web"))
    args = {"namespace": namespace, "pod": "web", "name": "shell", "image": image, "command": ["sh"], "target": "app",
            "stdin": True, "tty": True, "wait": True, "wait_timeout": 120}
    audit.mark()
    result = run_ec(cluster, args)
    return args, result, only_result(result)
