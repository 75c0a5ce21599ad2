"""Event-Driven Ansible on the test bed's current era: ansible-rulebook runs the collection's rulebook
(kubedebug.ephemeral.capture_on_trigger) with its two event sources, and the captures it starts are real.

A JRE-only pod whose readiness is made to fail gets exactly one thread dump; a second loss of readiness and a restart
of its JVM inside the cooldown are sent by the source but capture nothing (the state file says why); an
Alertmanager-format webhook posted by the test captures another pod the same way. Each run's report names the event
that caused it.
"""

from __future__ import annotations

import datetime
import json
import socket
import time
import urllib.request

from support import figures
from support.eda import Rulebook, state, summaries, wait_for_run, wait_for_suppressed
from support.ephemeral import ephemeral_names, ephemeral_status, raw_pod
from support.pods import IMAGES, java_pod

NOT_READY_SECONDS = 3


def ready_java_pod(name: str, labels: dict) -> dict:
    """A JRE-only pod that is ready while /tmp/unready does not exist (the test creates it to make it unready)."""
    manifest = java_pod(name, labels)
    manifest["spec"]["containers"][0]["readinessProbe"] = {
        "exec": {"command": ["sh", "-c", "test ! -e /tmp/unready"]}, "periodSeconds": 1, "failureThreshold": 1}
    return manifest


def ready_condition(cluster, namespace: str, name: str) -> dict:
    pod = raw_pod(cluster, namespace, name)
    return next(c for c in pod["status"].get("conditions") or [] if c["type"] == "Ready")


def wait_ready(cluster, namespace: str, name: str, ready: bool, timeout: float = 90) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        condition = ready_condition(cluster, namespace, name)
        if (condition["status"] == "True") == ready:
            return condition
        time.sleep(0.3)
    raise AssertionError(f"{namespace}/{name} not {'ready' if ready else 'unready'} within {timeout} s: {condition}")


def set_unready(cluster, namespace: str, name: str, unready: bool) -> dict:
    command = ["touch", "/tmp/unready"] if unready else ["rm", "-f", "/tmp/unready"]
    cluster.kubectl("exec", "-n", namespace, name, "-c", "app", "--", *command)
    return wait_ready(cluster, namespace, name, ready=not unready)


def epoch(text: str) -> float:
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def post_alert(port: int, namespace: str, pod: str) -> dict:
    """What Alertmanager's webhook_config posts (payload version 4) for a kube-prometheus KubePodNotReady alert."""
    alert = {"status": "firing", "labels": {"alertname": "KubePodNotReady", "namespace": namespace, "pod": pod, "severity": "warning"},
             "annotations": {"summary": "Pod has been in a non-ready state for more than 15 minutes."},
             "startsAt": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"), "endsAt": "0001-01-01T00:00:00Z",
             "generatorURL": "http://prometheus.invalid/graph", "fingerprint": "kubedebug-" + pod}
    payload = {"version": "4", "groupKey": '{}:{alertname="KubePodNotReady"}', "truncatedAlerts": 0, "status": "firing",
               "receiver": "kubedebug", "groupLabels": {"alertname": "KubePodNotReady"}, "commonLabels": alert["labels"],
               "commonAnnotations": alert["annotations"], "externalURL": "http://alertmanager.invalid", "alerts": [alert]}
    request = urllib.request.Request(f"http://127.0.0.1:{port}/alerts", data=json.dumps(payload).encode(),
                                     headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310  (127.0.0.1 only)
        assert response.status == 202
        return json.loads(response.read())


def thread_dump(artifacts, summary: dict) -> str:
    (entry,) = summary["pods"]
    assert entry["outcome"] == "ok", summary
    return (artifacts / summary["run_id"] / entry["log_file"]).read_text()


def test_readiness_loss_and_an_alertmanager_webhook_each_capture_once_per_cooldown(cluster, ns, tmp_path):
    core = cluster.core()
    for name, labels in (("stuck-0", {"app": "stuck"}), ("alerted-0", {"app": "alerted"})):
        core.create_namespaced_pod(ns, ready_java_pod(name, labels))
    for name in ("stuck-0", "alerted-0"):
        wait_ready(cluster, ns, name, ready=True, timeout=120)
    artifacts = tmp_path / "artifacts"
    port = free_port()
    rulebook = Rulebook(tmp_path, cluster.kubeconfig,
                        rulebook_vars={"kubedebug_namespace": ns, "kubedebug_label_selector": "app=stuck",
                                       "kubedebug_not_ready_seconds": NOT_READY_SECONDS,
                                       # The source sends every loss of readiness, so the cooldown is what stops the second.
                                       "kubedebug_dedupe_seconds": 0, "kubedebug_alertmanager_port": port},
                        host_vars={"diagnostics_artifacts_dir": str(artifacts), "diagnostics_jdk_image": IMAGES["jdk"],
                                   "diagnostics_wait_timeout": 90, "capture_on_trigger_container": "app"})
    rulebook.start()
    try:
        rulebook.wait_for(f"listed 1 pod(s) in {ns}")
        rulebook.wait_for(f"listening for Alertmanager webhooks on 127.0.0.1:{port}")

        # 1. Readiness lost for longer than not_ready_seconds: one thread dump, and the report names the event.
        flip = set_unready(cluster, ns, "stuck-0", unready=True)
        first = wait_for_run(artifacts, rulebook, "stuck-0", "not_ready")
        assert "Full thread dump" in thread_dump(artifacts, first)
        trigger = first["trigger"]
        assert (trigger["source"], trigger["namespace"], trigger["container"]) == ("kubedebug.ephemeral.pod_events", ns, "app")
        assert trigger["detail"].startswith("not ready for ") and "(containers not ready: app)" in trigger["detail"]
        report = (artifacts / first["run_id"] / "report.md").read_text()
        assert f"| trigger | not_ready of {ns}/stuck-0: not ready for " in report
        assert json.loads((artifacts / "index.json").read_text())["runs"][0]["trigger"]["cause"] == "not_ready"
        (container,) = ephemeral_names(raw_pod(cluster, ns, "stuck-0"))
        dump = ephemeral_status(raw_pod(cluster, ns, "stuck-0"), container)["state"]["terminated"]
        lost = epoch(flip["lastTransitionTime"])  # the API's times, whole seconds
        figures.record("eda_triggers", not_ready_seconds=NOT_READY_SECONDS,
                       readiness_lost_to_dump_started_s=epoch(dump["startedAt"]) - lost,
                       readiness_lost_to_dump_finished_s=epoch(dump["finishedAt"]) - lost,
                       readiness_lost_to_report_s=epoch(first["finished_at"]) - lost)

        # 2. Ready again, then unready again inside the cooldown: the event comes, nothing is captured.
        set_unready(cluster, ns, "stuck-0", unready=False)
        set_unready(cluster, ns, "stuck-0", unready=True)
        suppressed = wait_for_suppressed(artifacts, rulebook, "stuck-0", "not_ready")
        assert suppressed["reason"].startswith(f"cooldown: {ns}/stuck-0 was captured ")
        assert "capture_on_trigger_cooldown is 600 s" in suppressed["reason"]
        assert ephemeral_names(raw_pod(cluster, ns, "stuck-0")) == [container]

        # 3. An Alertmanager webhook for another pod captures it the same way.
        assert post_alert(port, ns, "alerted-0") == {"accepted": 1, "ignored": []}
        posted = time.time()
        alerted = wait_for_run(artifacts, rulebook, "alerted-0", "alert")
        figures.record("eda_triggers", webhook_to_report_s=round(epoch(alerted["finished_at"]) - posted, 1))
        assert "Full thread dump" in thread_dump(artifacts, alerted)
        assert alerted["trigger"]["reason"] == "KubePodNotReady" and alerted["trigger"]["source"] == "kubedebug.ephemeral.alertmanager_pods"
        report = (artifacts / alerted["run_id"] / "report.md").read_text()
        assert f"| trigger | alert of {ns}/alerted-0: alert KubePodNotReady firing: Pod has been in a non-ready state" in report

        # 4. The JVM of the first pod ends (SIGTERM to PID 1) and the kubelet restarts it: the source sends the restart,
        # still inside that pod's cooldown.
        # The exec session may end with the container it runs in: its exit status says nothing here.
        cluster.kubectl("exec", "-n", ns, "stuck-0", "-c", "app", "--", "sh", "-c", "kill 1", check=False)
        restarted = wait_for_suppressed(artifacts, rulebook, "stuck-0", "restart")
        assert restarted["detail"].startswith("container app restarted (restart count 0 -> 1; last exit: ")
        assert restarted["reason"].startswith(f"cooldown: {ns}/stuck-0 was captured ")
    finally:
        rulebook.stop()
    # Exactly one capture per pod, and the state file counts both.
    assert sorted(s["trigger"]["pod"] for s in summaries(artifacts)) == ["alerted-0", "stuck-0"]
    assert len(ephemeral_names(raw_pod(cluster, ns, "stuck-0"))) == 1
    assert len(ephemeral_names(raw_pod(cluster, ns, "alerted-0"))) == 1
    assert sorted(c["pod"] for c in state(artifacts)["captures"]) == ["alerted-0", "stuck-0"]
