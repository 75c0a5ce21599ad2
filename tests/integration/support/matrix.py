"""The version matrix's servers for the tests (tests/cluster/testbed/matrix.py): which minors run, the gate
each test wants, what each minor is expected to answer, and pods read and made without kubectl or kubelet."""

from __future__ import annotations

import json
import os
import subprocess
import uuid

from support.clusters import Cluster
from testbed import api as testbed_api
from testbed import matrix

ERA_POD_FROM = 22  # the subresource takes and answers with the whole Pod (k/k PR #101034)
BETA_FROM, GA_FROM, REMOVED_FROM = 23, 25, 27


def selected_minors() -> list[int]:
    """KUBEDEBUG_MATRIX_MINORS ("16 18 22 25" or "1.16 ..."), else every minor of the matrix."""
    words = os.environ.get("KUBEDEBUG_MATRIX_MINORS", "").replace(",", " ").split()
    return [int(w.split(".")[-1]) for w in words] or list(matrix.VERSIONS)


def serving_gate(minor: int) -> bool | None:
    """The gate flag under which 1.<minor> serves the subresource: =true while alpha (1.16-1.22), none from 1.23
    (beta and on by default, then GA, then removed)."""
    return True if minor < BETA_FROM else None


def off_gate(minor: int) -> bool | None:
    """The gate flag under which 1.<minor> does not serve it: none while alpha (as shipped), =false while beta."""
    assert minor < GA_FROM, f"1.{minor} cannot turn the gate off"
    return None if minor < BETA_FROM else False


def expected_era(minor: int) -> str:
    return "pod" if minor >= ERA_POD_FROM else "ephemeral_containers"


def start(minor: int, gate: bool | None) -> Cluster:
    """1.<minor> running with ``gate``; fails loudly when its kube-apiserver is not built."""
    assert matrix.built(minor), (f"kube-apiserver {matrix.VERSIONS[minor]} is not built: run `make test-matrix` "
                                 f"or `tests/cluster/testbed.sh matrix build 1.{minor}` first")
    matrix.up(minor, gate)
    era = matrix.era(minor)
    return Cluster(era.name, era.kubeconfig, era)


def namespace(cluster: Cluster, prefix: str) -> str:
    """A fresh namespace (no ServiceAccount needed: that admission plugin is off, nothing would make one)."""
    name = f"{prefix}-{uuid.uuid4().hex[:6]}"
    cluster.core().create_namespace({"metadata": {"name": name}})
    return name


def pending_pod(cluster: Cluster, ns: str, name: str = "web") -> None:
    """A pod that stays Pending (no scheduler, no node): the subresource and its validation are the apiserver's."""
    cluster.core().create_namespaced_pod(ns, {
        "apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "labels": {"app": name}},
        "spec": {"containers": [{"name": "app", "image": "kubedebug.local/busybox-tools:1", "imagePullPolicy": "IfNotPresent",
                                 "command": ["sleep", "3600"]}]}})


def raw_pod(cluster: Cluster, ns: str, name: str = "web") -> dict:
    """The pod's JSON exactly as this server serves it."""
    response = cluster.core().read_namespaced_pod(name, ns, _preload_content=False)
    return json.loads(response.data)


def ephemeral_names(pod: dict) -> list[str]:
    return [c["name"] for c in (pod.get("spec") or {}).get("ephemeralContainers") or []]


def version_output(minor: int) -> str:
    """``kube-apiserver --version`` of the built binary, as the feature_gates role reads a component's version."""
    return subprocess.run([str(matrix.apiserver_binary(minor)), "--version"], capture_output=True, text=True,
                          check=True).stdout.strip()


def discovery(cluster: Cluster) -> list[dict]:
    """The resources of ``GET /api/v1`` on the minor's apiserver."""
    return testbed_api.get_json(cluster.era, "/api/v1")["resources"]
