"""ephemeral_container on the test bed's current era (Kubernetes 1.22+ API: kind Pod).

Every write claim is checked against the API (the pod as read back) and every "no write" claim
against the apiserver's audit log.
"""

from __future__ import annotations

import re


from support.ephemeral import (
    inject_shell,
    only_result,
    ephemeral_names,
    ephemeral_specs,
    ephemeral_status,
    raw_pod,
    run_ec,
    succeeded,
)
from support.pods import IMAGES, JAVA_APP_UID, create_and_wait, java_pod, tools_pod, wait_ephemeral_state

TOOLS = IMAGES["tools"]
SA_TOKEN_PATH = "/var/run/secrets/kubernetes.io/serviceaccount"


def test_inject_and_wait_running_then_the_same_task_writes_nothing(cluster, ns, audit_of):
    audit = audit_of(cluster)
    args, first, entry = inject_shell(cluster, ns, TOOLS, audit)
    assert first["changed"] is True and entry["changed"] is True and entry["created"] is True
    assert first["api_era"] == "pod" and first["server_version"] == "v1.37.2"
    assert entry["container"] == "shell"
    assert entry["status"]["state"] == "running", entry["status"]
    assert entry["status"]["started_at"] and entry["status"]["container_id"].startswith("containerd://")
    assert entry["attach_command"] == f"kubectl attach -n {ns} web -c shell -it"
    # The result's spec is what the server stored, defaults included.
    pod = raw_pod(cluster, ns, "web")
    assert ephemeral_specs(pod) == [entry["spec"]]
    assert entry["spec"]["terminationMessagePath"] == "/dev/termination-log"
    assert entry["spec"]["imagePullPolicy"] == "IfNotPresent"
    assert entry["spec"]["targetContainerName"] == "app" and entry["spec"]["stdin"] is True
    assert ephemeral_status(pod, "shell")["state"].get("running")
    assert [e["verb"] for e in audit.ephemeral_writes(ns)] == ["patch"]

    audit.mark()
    second = run_ec(cluster, args)
    entry = only_result(second)
    assert second["changed"] is False and entry["changed"] is False and entry["created"] is False
    assert entry["status"]["state"] == "running"
    assert entry["spec"] == ephemeral_specs(raw_pod(cluster, ns, "web"))[0]
    assert audit.attempts(ns) == [], "the second run sent a write"
    assert audit.ephemeral_writes(ns) == []
    assert ephemeral_names(raw_pod(cluster, ns, "web")) == ["shell"]


def test_wait_terminated_returns_exit_code_and_logs(cluster, ns):
    create_and_wait(cluster.core(), ns, tools_pod("job"))
    result = run_ec(cluster, {"namespace": ns, "pod": "job", "name": "oneshot", "image": TOOLS,
                              "command": ["sh", "-c", "echo to-stdout; echo to-stderr >&2; exit 3"],
                              "wait": True, "wait_for": "terminated", "wait_timeout": 120, "logs": True})
    entry = only_result(result)
    status = entry["status"]
    assert status["state"] == "terminated" and status["exit_code"] == 3 and status["reason"] == "Error", status
    assert status["finished_at"] and status["restart_count"] == 0 and status["ready"] is False
    assert "to-stdout" in entry["logs"] and "to-stderr" in entry["logs"]
    assert entry["attach_command"] == f"kubectl attach -n {ns} job -c oneshot"
    raw = ephemeral_status(raw_pod(cluster, ns, "job"), "oneshot")
    assert raw["state"]["terminated"]["exitCode"] == 3
    assert raw["containerID"] == status["container_id"]

    # logs_tail_lines on a re-run (no write): only the last line.
    again = only_result(run_ec(cluster, {"namespace": ns, "pod": "job", "name": "oneshot", "image": TOOLS,
                                         "command": ["sh", "-c", "echo to-stdout; echo to-stderr >&2; exit 3"],
                                         "logs": True, "logs_tail_lines": 1}))
    assert again["changed"] is False and again["status"]["exit_code"] == 3
    assert len(again["logs"].strip().splitlines()) == 1


def test_check_mode_is_a_server_dry_run_and_writes_nothing(cluster, ns, audit_of):
    create_and_wait(cluster.core(), ns, tools_pod("web"))
    args = {"namespace": ns, "pod": "web", "name": "probe", "image": TOOLS, "command": ["sleep", "300"],
            "wait": True, "logs": True}
    audit = audit_of(cluster)
    result = run_ec(cluster, args, check=True)
    entry = only_result(result)
    assert result["changed"] is True and entry["created"] is True
    # The spec comes from the server's dry-run answer: its defaults are there.
    assert entry["spec"]["terminationMessagePolicy"] == "File"
    assert entry["spec"]["imagePullPolicy"] == "IfNotPresent"
    assert entry["status"] is None and entry["logs"] is None
    assert audit.writes(ns) == []
    dry = audit.attempts(ns, "ephemeralcontainers")
    assert len(dry) == 1 and "dryRun=All" in dry[0]["requestURI"] and succeeded(dry), dry
    assert ephemeral_specs(raw_pod(cluster, ns, "web")) == []

    # Once it exists, check mode reports no change and sends nothing at all.
    real = only_result(run_ec(cluster, args))
    assert real["created"] is True and real["status"]["state"] == "running"
    audit.mark()
    again = run_ec(cluster, args, check=True)
    assert again["changed"] is False and only_result(again)["created"] is False
    assert audit.attempts(ns) == []


def test_diff_mode_shows_the_ephemeral_containers_before_and_after(cluster, ns):
    create_and_wait(cluster.core(), ns, tools_pod("web"))
    first = run_ec(cluster, {"namespace": ns, "pod": "web", "name": "first", "image": TOOLS,
                             "command": ["sleep", "300"]}, diff=True)
    assert first["changed"] is True
    (diff,) = first["diff"]
    assert diff["before"] == {"ephemeralContainers": []}
    assert [c["name"] for c in diff["after"]["ephemeralContainers"]] == ["first"]
    assert diff["after"]["ephemeralContainers"][0]["command"] == ["sleep", "300"]
    assert ns in diff["before_header"] and "web" in diff["before_header"]

    second = run_ec(cluster, {"namespace": ns, "pod": "web", "name": "second", "image": TOOLS,
                              "command": ["sleep", "301"]}, diff=True, check=True)
    assert second["changed"] is True
    (diff,) = second["diff"]
    assert [c["name"] for c in diff["before"]["ephemeralContainers"]] == ["first"]
    assert [c["name"] for c in diff["after"]["ephemeralContainers"]] == ["first", "second"]
    assert ephemeral_names(raw_pod(cluster, ns, "web")) == ["first"]

    unchanged = run_ec(cluster, {"namespace": ns, "pod": "web", "name": "first", "image": TOOLS,
                                 "command": ["sleep", "300"]}, diff=True)
    (diff,) = unchanged["diff"]
    assert unchanged["changed"] is False and diff["before"] == diff["after"]


def test_derived_names_are_deterministic_and_run_id_makes_a_new_one(cluster, ns, audit_of):
    create_and_wait(cluster.core(), ns, tools_pod("web"))
    base = {"namespace": ns, "pod": "web", "image": TOOLS, "command": ["sleep", "120"]}
    first = only_result(run_ec(cluster, base))
    name = first["container"]
    assert re.fullmatch(r"debugger-[0-9a-f]{10}", name), name
    audit = audit_of(cluster)
    again = only_result(run_ec(cluster, base))
    assert again["container"] == name and again["changed"] is False
    assert audit.attempts(ns) == []

    nightly = only_result(run_ec(cluster, {**base, "run_id": "2026-01-02"}))
    assert nightly["changed"] is True and nightly["container"] != name
    other_spec = only_result(run_ec(cluster, {**base, "command": ["sleep", "121"], "name_prefix": "dump"}))
    assert re.fullmatch(r"dump-[0-9a-f]{10}", other_spec["container"])
    assert other_spec["container"].split("-")[1] != name.split("-")[1]
    assert ephemeral_names(raw_pod(cluster, ns, "web")) == [name, nightly["container"], other_spec["container"]]
    audit.mark()
    assert only_result(run_ec(cluster, {**base, "run_id": "2026-01-02"}))["changed"] is False
    assert audit.attempts(ns) == []


def test_existing_ephemeral_containers_are_never_removed_or_reordered(cluster, ns):
    create_and_wait(cluster.core(), ns, tools_pod("web"))
    # A container added by someone else, with kubectl.
    cluster.kubectl("debug", "-n", ns, "web", f"--image={TOOLS}", "--container=by-kubectl", "--profile=general",
                    "--", "sleep", "300")
    before = ephemeral_specs(raw_pod(cluster, ns, "web"))
    for name in ("alpha", "beta"):
        entry = only_result(run_ec(cluster, {"namespace": ns, "pod": "web", "name": name, "image": TOOLS,
                                             "command": ["sleep", "300"], "profile": "general"}))
        assert entry["created"] is True
    after = ephemeral_specs(raw_pod(cluster, ns, "web"))
    assert [c["name"] for c in after] == ["by-kubectl", "alpha", "beta"]
    assert after[0] == before[0], "kubectl's container was changed"
    # Re-running the first task keeps order and content.
    assert only_result(run_ec(cluster, {"namespace": ns, "pod": "web", "name": "alpha", "image": TOOLS,
                                        "command": ["sleep", "300"], "profile": "general"}))["changed"] is False
    assert ephemeral_specs(raw_pod(cluster, ns, "web")) == after
    assert after[1]["securityContext"] == {"capabilities": {"add": ["SYS_PTRACE"]}}


def test_jstack_in_a_jre_only_pod_through_the_target_tmp(cluster, ns):
    create_and_wait(cluster.core(), ns, java_pod("payments"))
    result = run_ec(cluster, {"namespace": ns, "pod": "payments", "name": "jstack", "image": IMAGES["jdk"],
                              "target": "app", "mount_target_volumes": True, "command": ["jstack", "1"],
                              "security_context": {"runAsUser": JAVA_APP_UID},
                              "wait": True, "wait_for": "terminated", "wait_timeout": 120, "logs": True})
    entry = only_result(result)
    # The target's mounts, but not the ServiceAccount token the admission plugin added to it.
    assert entry["spec"]["volumeMounts"] == [{"name": "tmp", "mountPath": "/tmp"}]
    assert entry["spec"]["securityContext"] == {"runAsUser": JAVA_APP_UID}
    assert entry["status"]["exit_code"] == 0, entry["logs"]
    assert "Full thread dump" in entry["logs"]
    assert '"kubedebug-worker-1"' in entry["logs"]
    assert entry["warnings"] == []


def test_replicas_of_one_workload_get_one_name_and_no_api_token(cluster, ns):
    # Each replica's token volume is kube-api-access-<random>: copied, it would hand the pod's API
    # credentials to the debug image and give every replica another derived name.
    core = cluster.core()
    for name in ("web-1", "web-2"):
        create_and_wait(core, ns, tools_pod(name, labels={"app": "web"}))
    args = {"namespace": ns, "label_selectors": ["app=web"], "image": TOOLS, "target": "app",
            "mount_target_volumes": True, "command": ["sh", "-c", "ls /var/run/secrets/kubernetes.io 2>&1; true"],
            "run_id": "r1", "wait": True, "wait_for": "terminated", "logs": True,
            # A selection returns compact entries by default; this test reads each replica's spec.
            "results_detail": "full"}
    result = run_ec(cluster, args)
    assert not result.get("failed"), result.get("msg")
    names = {entry["container"] for entry in result["results"]}
    assert len(names) == 1, names
    for entry in result["results"]:
        assert "volumeMounts" not in entry["spec"], entry["spec"]
        assert "No such file or directory" in entry["logs"], entry["logs"]
    with_token = only_result(run_ec(cluster, {**args, "label_selectors": [], "pod": "web-1", "run_id": "r2",
                                              "mount_service_account_token": True}))
    assert [m["mountPath"] for m in with_token["spec"]["volumeMounts"]] == [SA_TOKEN_PATH]
    assert "serviceaccount" in with_token["logs"]


def test_mount_target_volumes_skips_sub_path_mounts_with_a_warning(cluster, ns):
    pod = tools_pod("web", command=["sh", "-c", "echo marker > /data/marker; while true; do sleep 1; done"])
    pod["spec"]["volumes"] = [{"name": "data", "emptyDir": {}}, {"name": "conf", "emptyDir": {}}]
    pod["spec"]["containers"][0]["volumeMounts"] = [
        {"name": "data", "mountPath": "/data"},
        {"name": "conf", "mountPath": "/etc/app", "subPath": "app", "readOnly": True},
    ]
    create_and_wait(cluster.core(), ns, pod)
    result = run_ec(cluster, {"namespace": ns, "pod": "web", "name": "reader", "image": TOOLS, "target": "app",
                              "mount_target_volumes": True, "command": ["cat", "/data/marker"],
                              "wait": True, "wait_for": "terminated", "logs": True})
    entry = only_result(result)
    assert [m["mountPath"] for m in entry["spec"]["volumeMounts"]] == ["/data"]
    assert entry["spec"]["volumeMounts"][0] == {"name": "data", "mountPath": "/data"}
    assert len(entry["warnings"]) == 1 and "subPath" in entry["warnings"][0] and "/etc/app" in entry["warnings"][0]
    assert any("subPath" in w for w in result.get("warnings", [])), result.get("warnings")
    assert entry["status"]["exit_code"] == 0 and entry["logs"].strip() == "marker"


def test_tcpdump_with_the_netadmin_profile_sees_the_pod_traffic(cluster, ns):
    # The target pings its own loopback; the debugger captures in the pod's network namespace.
    create_and_wait(cluster.core(), ns, tools_pod(
        "web", command=["sh", "-c", "while true; do ping -c 1 -W 1 127.0.0.1 >/dev/null 2>&1; sleep 0.2; done"]))
    result = run_ec(cluster, {"namespace": ns, "pod": "web", "name": "capture", "image": TOOLS, "profile": "netadmin",
                              "command": ["tcpdump", "-n", "-i", "any", "-c", "5", "icmp"],
                              "wait": True, "wait_for": "terminated", "wait_timeout": 120, "logs": True})
    entry = only_result(result)
    assert entry["spec"]["securityContext"] == {"capabilities": {"add": ["NET_ADMIN", "NET_RAW"]}}
    assert entry["status"]["exit_code"] == 0, entry["logs"]
    assert "5 packets captured" in entry["logs"]
    assert "127.0.0.1 > 127.0.0.1: ICMP echo request" in entry["logs"]


def test_many_pods_by_label_selector_with_bounded_concurrency(cluster, ns, audit_of):
    core = cluster.core()
    for name in ("fleet-c", "fleet-a", "fleet-b"):
        create_and_wait(core, ns, tools_pod(name, labels={"app": "fleet"}))
    stuck = tools_pod("fleet-pending", labels={"app": "fleet"})
    stuck["spec"]["containers"][0].update(image="kubedebug.local/not-there:1", imagePullPolicy="Never")
    core.create_namespaced_pod(ns, stuck)
    core.create_namespaced_pod(ns, tools_pod("other", labels={"app": "other"}))
    args = {"namespace": ns, "label_selectors": ["app=fleet"], "name": "probe", "image": TOOLS,
            "command": ["sleep", "300"], "max_concurrency": 2, "wait": True, "wait_timeout": 120}

    audit = audit_of(cluster)
    too_many = run_ec(cluster, {**args, "max_pods": 3})
    assert too_many["failed"] is True
    assert "4 pods match" in too_many["msg"] and "max_pods=3" in too_many["msg"]
    assert audit.attempts(ns) == []

    result = run_ec(cluster, args)
    assert result["changed"] is True and not result.get("failed"), result.get("msg")
    assert [r["pod"] for r in result["results"]] == ["fleet-a", "fleet-b", "fleet-c", "fleet-pending"]
    running = result["results"][:3]
    assert all(r["created"] and r["status"]["state"] == "running" for r in running), running
    skipped = result["results"][3]
    assert skipped["skipped"] is True and skipped["created"] is False
    assert skipped["skip_reason"] == "pod phase is Pending, not Running"
    assert sorted(e["objectRef"]["name"] for e in audit.ephemeral_writes(ns)) == ["fleet-a", "fleet-b", "fleet-c"]
    for name in ("fleet-a", "fleet-b", "fleet-c"):
        assert ephemeral_names(raw_pod(cluster, ns, name)) == ["probe"]
    assert ephemeral_names(raw_pod(cluster, ns, "other")) == []
    assert ephemeral_names(raw_pod(cluster, ns, "fleet-pending")) == []

    audit.mark()
    again = run_ec(cluster, args)
    assert again["changed"] is False and [r["changed"] for r in again["results"]] == [False] * 4
    assert audit.attempts(ns) == []
    wait_ephemeral_state(core, ns, "fleet-a", "probe")
