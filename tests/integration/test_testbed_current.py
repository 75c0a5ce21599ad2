"""The test bed's current era runs real workloads, and kubectl debug works on it."""

from __future__ import annotations

import json
import time

import kubernetes

from support.pods import IMAGES, create_and_wait, java_pod, tools_pod, wait_ephemeral_state, JAVA_APP_UID


def test_deployment_gets_a_running_pod(testbed_current, namespace_in):
    namespace = namespace_in(testbed_current, "tb-deploy")
    apps = kubernetes.client.AppsV1Api(testbed_current.api_client())
    apps.create_namespaced_deployment(namespace, {
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "busybox"},
        "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "busybox"}},
                 "template": {"metadata": {"labels": {"app": "busybox"}}, "spec": tools_pod("unused")["spec"]}},
    })
    core = testbed_current.core()
    deadline = time.monotonic() + 120
    phases: list = []
    while time.monotonic() < deadline:
        pods = core.list_namespaced_pod(namespace, label_selector="app=busybox").items
        phases = [p.status.phase for p in pods]
        if "Running" in phases:
            break
        time.sleep(1)
    assert "Running" in phases, f"Deployment's pods: {phases}"
    running = [p for p in pods if p.status.phase == "Running"][0]
    assert running.spec.node_name == testbed_current.era.node_name
    assert running.status.pod_ip.startswith(testbed_current.era.pod_subnet.rsplit(".", 1)[0] + ".")


def test_kubectl_debug_target_sees_the_target_processes(testbed_current, namespace_in):
    namespace = namespace_in(testbed_current, "tb-debug")
    core = testbed_current.core()
    create_and_wait(core, namespace, tools_pod("target", command=["sh", "-c", "while true; do sleep 1; done"]))
    testbed_current.kubectl("debug", "-n", namespace, "target", f"--image={IMAGES['tools']}",
                            "--target=app", "--container=debugger", "--", "ps", "-o", "pid,args")
    status = wait_ephemeral_state(core, namespace, "target", "debugger", want="terminated")
    assert status["state"]["terminated"]["exitCode"] == 0
    logs = core.read_namespaced_pod_log("target", namespace, container="debugger")
    # PID 1 is the target container's shell: the debugger shares its process namespace.
    assert "1 sh -c while true; do sleep 1; done" in " ".join(logs.split()), logs


def test_jstack_from_a_jdk_ephemeral_container_sharing_tmp(testbed_current, namespace_in, tmp_path):
    namespace = namespace_in(testbed_current, "tb-java")
    core = testbed_current.core()
    create_and_wait(core, namespace, java_pod("payments"))
    # jstack attaches through a socket in the target's /tmp, as the target's user.
    custom = tmp_path / "custom.json"
    custom.write_text(json.dumps({"volumeMounts": [{"name": "tmp", "mountPath": "/tmp"}],
                                  "securityContext": {"runAsUser": JAVA_APP_UID}}))
    testbed_current.kubectl("debug", "-n", namespace, "payments", f"--image={IMAGES['jdk']}", "--target=app",
                            "--container=jstack", "--profile=general", f"--custom={custom}", "--", "jstack", "1")
    status = wait_ephemeral_state(core, namespace, "payments", "jstack", want="terminated", timeout=180)
    logs = core.read_namespaced_pod_log("payments", namespace, container="jstack")
    assert status["state"]["terminated"]["exitCode"] == 0, logs
    assert "Full thread dump" in logs
    assert '"kubedebug-worker-1"' in logs
    assert "java.lang.Thread.State" in logs
