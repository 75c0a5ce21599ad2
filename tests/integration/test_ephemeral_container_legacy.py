"""ephemeral_container on the test bed's legacy era (Kubernetes 1.21: kind EphemeralContainers,
feature gate on). No securityContext exists for ephemeral containers here, and check mode sends
nothing at all (no server-side dry run on this API)."""

from __future__ import annotations

import re

import pytest

from support.ephemeral import ephemeral_names, inject_shell, ephemeral_specs, ephemeral_status, only_result, raw_pod, run_ec
from support.pods import IMAGES, create_and_wait, java_pod, tools_pod

pytestmark = pytest.mark.legacy

TOOLS = IMAGES["tools"]

CLUSTER = "legacy_gate_on"  # see conftest.py


def test_inject_and_wait_running_then_the_same_task_writes_nothing(cluster, ns, audit_of):
    audit = audit_of(cluster)
    args, first, entry = inject_shell(cluster, ns, TOOLS, audit)
    assert first["api_era"] == "ephemeral_containers"
    assert first["server_version"].startswith("v1.21.")
    assert entry["created"] is True and entry["status"]["state"] == "running", entry["status"]
    assert entry["attach_command"] == f"kubectl attach -n {ns} web -c shell -it"
    pod = raw_pod(cluster, ns, "web")
    assert ephemeral_specs(pod) == [entry["spec"]]
    assert entry["spec"]["terminationMessagePath"] == "/dev/termination-log"
    assert ephemeral_status(pod, "shell")["state"].get("running")
    writes = audit.ephemeral_writes(ns)
    assert [(e["verb"], e["responseStatus"]["code"]) for e in writes] == [("patch", 200)]

    audit.mark()
    second = run_ec(cluster, args)
    assert second["changed"] is False and only_result(second)["created"] is False
    assert audit.attempts(ns) == []
    assert ephemeral_names(raw_pod(cluster, ns, "web")) == ["shell"]


def test_wait_terminated_returns_exit_code_and_logs(cluster, ns):
    create_and_wait(cluster.core(), ns, tools_pod("job"))
    entry = only_result(run_ec(cluster, {"namespace": ns, "pod": "job", "name": "oneshot", "image": TOOLS,
                                         "command": ["sh", "-c", "echo to-stdout; exit 4"], "wait": True,
                                         "wait_for": "terminated", "wait_timeout": 120, "logs": True}))
    assert entry["status"]["state"] == "terminated" and entry["status"]["exit_code"] == 4
    assert entry["logs"] == "to-stdout\n"
    raw = ephemeral_status(raw_pod(cluster, ns, "job"), "oneshot")
    assert raw["state"]["terminated"]["exitCode"] == 4


def test_check_mode_sends_nothing_and_diff_mode_shows_before_and_after(cluster, ns, audit_of):
    create_and_wait(cluster.core(), ns, tools_pod("web"))
    args = {"namespace": ns, "pod": "web", "name": "probe", "image": TOOLS, "command": ["sleep", "300"]}
    audit = audit_of(cluster)
    check = run_ec(cluster, args, check=True, diff=True)
    entry = only_result(check)
    assert check["changed"] is True and entry["created"] is True
    assert entry["spec"]["terminationMessagePolicy"] == "File" and entry["spec"]["imagePullPolicy"] == "IfNotPresent"
    (diff,) = check["diff"]
    assert diff["before"] == {"ephemeralContainers": []}
    assert [c["name"] for c in diff["after"]["ephemeralContainers"]] == ["probe"]
    assert audit.attempts(ns) == [], "check mode must not send anything on the 1.21 API"
    assert ephemeral_specs(raw_pod(cluster, ns, "web")) == []

    real = run_ec(cluster, args, diff=True)
    assert real["changed"] is True
    second = run_ec(cluster, {**args, "name": "second"}, diff=True)
    (diff,) = second["diff"]
    assert [c["name"] for c in diff["before"]["ephemeralContainers"]] == ["probe"]
    assert [c["name"] for c in diff["after"]["ephemeralContainers"]] == ["probe", "second"]


def test_derived_names_and_order_with_a_kubectl_container(cluster, ns, audit_of):
    create_and_wait(cluster.core(), ns, tools_pod("web"))
    cluster.kubectl("debug", "-n", ns, "web", f"--image={TOOLS}", "--container=by-kubectl", "--", "sleep", "300")
    before = ephemeral_specs(raw_pod(cluster, ns, "web"))
    base = {"namespace": ns, "pod": "web", "image": TOOLS, "command": ["sleep", "120"]}
    first = only_result(run_ec(cluster, base))
    assert re.fullmatch(r"debugger-[0-9a-f]{10}", first["container"])
    nightly = only_result(run_ec(cluster, {**base, "run_id": "night-1"}))
    assert nightly["container"] != first["container"]
    audit = audit_of(cluster)
    assert only_result(run_ec(cluster, base))["changed"] is False
    assert audit.attempts(ns) == []
    after = ephemeral_specs(raw_pod(cluster, ns, "web"))
    assert [c["name"] for c in after] == ["by-kubectl", first["container"], nightly["container"]]
    assert after[0] == before[0]


def test_jstack_through_the_target_tmp_as_root(cluster, ns):
    # No securityContext before 1.22: the JDK container runs as root, which the attach protocol accepts.
    create_and_wait(cluster.core(), ns, java_pod("payments"))
    entry = only_result(run_ec(cluster, {"namespace": ns, "pod": "payments", "name": "jstack", "image": IMAGES["jdk"],
                                         "target": "app", "mount_target_volumes": True, "command": ["jstack", "1"],
                                         "wait": True, "wait_for": "terminated", "wait_timeout": 120, "logs": True}))
    assert {"name": "tmp", "mountPath": "/tmp"} in entry["spec"]["volumeMounts"]
    assert "securityContext" not in entry["spec"]
    assert entry["status"]["exit_code"] == 0, entry["logs"]
    assert "Full thread dump" in entry["logs"] and '"kubedebug-worker-1"' in entry["logs"]


def test_many_pods_by_label_selector(cluster, ns, audit_of):
    core = cluster.core()
    for name in ("fleet-b", "fleet-a"):
        create_and_wait(core, ns, tools_pod(name, labels={"app": "fleet"}))
    args = {"namespace": ns, "label_selectors": ["app=fleet"], "name": "probe", "image": TOOLS,
            "command": ["sleep", "300"], "max_concurrency": 2, "wait": True}
    result = run_ec(cluster, args)
    assert not result.get("failed"), result.get("msg")
    assert [(r["pod"], r["created"], r["status"]["state"]) for r in result["results"]] == [
        ("fleet-a", True, "running"), ("fleet-b", True, "running")]
    audit = audit_of(cluster)
    assert run_ec(cluster, args)["changed"] is False
    assert audit.attempts(ns) == []
