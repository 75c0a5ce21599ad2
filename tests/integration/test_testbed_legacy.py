"""The legacy era (1.21): the EphemeralContainers gate really is off, then on."""

from __future__ import annotations

import json

import pytest

from support.pods import IMAGES, create_and_wait, tools_pod, wait_ephemeral_state

pytestmark = pytest.mark.legacy


def test_gate_off_hides_the_subresource(legacy_gate_off, namespace_in):
    cluster = legacy_gate_off
    resources = [r["name"] for r in json.loads(cluster.kubectl("get", "--raw", "/api/v1").stdout)["resources"]]
    assert "pods" in resources
    assert "pods/ephemeralcontainers" not in resources
    namespace = namespace_in(cluster, "tb-gate-off")
    create_and_wait(cluster.core(), namespace, tools_pod("target"))
    answer = cluster.kubectl("get", "--raw", f"/api/v1/namespaces/{namespace}/pods/target/ephemeralcontainers",
                             check=False)
    assert answer.returncode != 0
    # The route is not registered at all: a bare 404, not "pods ... not found".
    assert "(NotFound): the server could not find the requested resource" in answer.stderr, answer.stderr


def test_gate_on_accepts_and_starts_an_ephemeral_container(legacy_gate_on, namespace_in):
    cluster = legacy_gate_on
    resources = json.loads(cluster.kubectl("get", "--raw", "/api/v1").stdout)["resources"]
    entry = [r for r in resources if r["name"] == "pods/ephemeralcontainers"]
    assert entry and entry[0]["kind"] == "EphemeralContainers"
    namespace = namespace_in(cluster, "tb-gate-on")
    core = cluster.core()
    create_and_wait(core, namespace, tools_pod("target", command=["sh", "-c", "while true; do sleep 1; done"]))
    # kubectl 1.21, built here, speaks the EphemeralContainers kind of this era.
    cluster.kubectl("debug", "-n", namespace, "target", f"--image={IMAGES['tools']}", "--target=app",
                    "--container=debugger", "--", "ps", "-o", "pid,args")
    status = wait_ephemeral_state(core, namespace, "target", "debugger", want="terminated")
    assert status["state"]["terminated"]["exitCode"] == 0
    logs = core.read_namespaced_pod_log("target", namespace, container="debugger")
    assert "sh -c while true; do sleep 1; done" in " ".join(logs.split()), logs
