"""The diagnostics role and the kubedebug.ephemeral.diagnose playbook on the test bed's current era.

Each test runs the real playbook (ansible-playbook kubedebug.ephemeral.diagnose -e @vars) and checks the artifacts
on disk, the pods as the API holds them, and - for "changes nothing" - the play recap and the apiserver's audit log.
"""

from __future__ import annotations

import json
import subprocess
import uuid

import yaml

from support.diagnostics import EXAMPLES, diagnose, ok, pod_entry, recap, summary
from support.ephemeral import (
    ephemeral_names,
    ephemeral_specs,
    ephemeral_status,
    raw_pod,
    run_ec,
    server_and_ca,
    service_account_token,
)
from support.pods import IMAGES, create_and_wait, java_pod, tools_pod


def test_jvm_thread_dump_of_jre_only_pods_from_a_jdk_container_sharing_tmp(cluster, ns, tmp_path):
    core = cluster.core()
    for name in ("ledger-0", "ledger-1"):
        create_and_wait(core, ns, java_pod(name, labels={"app": "ledger"}))
    proc, artifacts = diagnose(cluster, tmp_path, [
        {"namespace": ns, "label_selector": "app=ledger", "container": "app", "recipe": "jvm_thread_dump"},
    ], run_id="java1")
    ok(proc)
    data = summary(artifacts, "java1")
    assert data["status"] == "ok", data["message"]
    assert data["totals"]["ok"] == 2 and data["totals"]["pods"] == 2
    for name in ("ledger-0", "ledger-1"):
        entry = pod_entry(data, name)
        assert entry["outcome"] == "ok" and entry["exit_code"] == 0
        assert entry["container"] == "thread-dump-java1"
        assert entry["duration_seconds"] is not None
        log = (artifacts / "java1" / ns / name / "thread-dump-java1.log").read_text()
        assert "Full thread dump" in log and '"kubedebug-worker-1"' in log, log[:2000]
        # The JDK container shares the JRE container's processes and its /tmp (the attach socket), and the
        # script ran jstack as the JVM's user (1000) although the JDK image starts as root.
        assert "JVM uid 1000" in log
        spec = [c for c in ephemeral_specs(raw_pod(cluster, ns, name)) if c["name"] == "thread-dump-java1"][0]
        assert spec["image"] == IMAGES["jdk"] and spec["targetContainerName"] == "app"
        assert {"name": "tmp", "mountPath": "/tmp"} in spec["volumeMounts"]
    report = (artifacts / "java1" / "report.md").read_text()
    assert "ledger-0" in report and "[log](" in report


def test_network_capture_records_traffic_generated_in_the_pod_network_namespace(cluster, ns, tmp_path):
    create_and_wait(cluster.core(), ns, tools_pod("web", command=["sleep", "3600"]))
    # Pings of an unusual size, sent from inside the pod's network namespace by the test, while the capture runs.
    size = 1000 + uuid.uuid4().int % 900
    generator = subprocess.Popen(  # pylint: disable=consider-using-with
        [str(cluster.era.bin_dir / "kubectl"), f"--kubeconfig={cluster.kubeconfig}", "exec", "-n", ns, "web", "--",
         "sh", "-c", f"while true; do ping -c 1 -W 1 -s {size} 127.0.0.1 >/dev/null 2>&1; sleep 0.3; done"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        proc, artifacts = diagnose(cluster, tmp_path, [
            {"namespace": ns, "label_selector": "app=web", "recipe": "network_capture",
             "options": {"packets": 6, "seconds": 30, "filter": "icmp"}},
        ], run_id="cap1")
    finally:
        generator.terminate()
        generator.wait(timeout=30)
    ok(proc)
    data = summary(artifacts, "cap1")
    entry = pod_entry(data, "web")
    assert entry["outcome"] == "ok" and entry["exit_code"] == 0, entry
    log = (artifacts / "cap1" / ns / "web" / "capture-cap1.log").read_text()
    assert "ICMP echo request, id" in log and f"length {size + 8}" in log, log
    assert "6 packets captured" in log
    spec = [c for c in ephemeral_specs(raw_pod(cluster, ns, "web")) if c["name"] == "capture-cap1"][0]
    assert spec["securityContext"] == {"capabilities": {"add": ["NET_ADMIN", "NET_RAW"]}}


def test_new_run_ids_add_containers_and_rerunning_a_run_id_changes_nothing(cluster, ns, tmp_path, audit_of):
    create_and_wait(cluster.core(), ns, tools_pod("api-0", labels={"app": "api"}))
    targets = [{"namespace": ns, "label_selector": "app=api", "container": "app", "recipe": "process_list"}]

    first, artifacts = diagnose(cluster, tmp_path, targets, run_id="20261123t140501z")
    ok(first)
    pod_after_first = raw_pod(cluster, ns, "api-0")
    assert ephemeral_names(pod_after_first) == ["ps-20261123t140501z"]
    old_spec = ephemeral_specs(pod_after_first)[0]
    old_status = ephemeral_status(pod_after_first, "ps-20261123t140501z")

    second = diagnose(cluster, tmp_path, targets, run_id="20261124t140501z")[0]
    ok(second)
    pod = raw_pod(cluster, ns, "api-0")
    assert ephemeral_names(pod) == ["ps-20261123t140501z", "ps-20261124t140501z"]
    # The older container is untouched: same spec, same (terminated) status.
    assert ephemeral_specs(pod)[0] == old_spec
    assert ephemeral_status(pod, "ps-20261123t140501z") == old_status
    index = json.loads((artifacts / "index.json").read_text())
    assert [r["run_id"] for r in index["runs"]] == ["20261124t140501z", "20261123t140501z"]
    assert index["runs"][0]["containers"] == ["ps-20261124t140501z"]
    assert "20261123t140501z/report.md" in (artifacts / "index.md").read_text()
    for run_id in ("20261123t140501z", "20261124t140501z"):
        log = (artifacts / run_id / ns / "api-0" / f"ps-{run_id}.log").read_text()
        assert "PID" in log and "while true" in log, log

    files_before = {p: p.read_bytes() for p in artifacts.rglob("*") if p.is_file()}
    audit = audit_of(cluster)
    again = diagnose(cluster, tmp_path, targets, run_id="20261124t140501z")[0]
    ok(again)
    assert recap(again)["changed"] == 0, again.stdout[-4000:]
    assert audit.ephemeral_writes(ns) == []
    assert ephemeral_names(raw_pod(cluster, ns, "api-0")) == ["ps-20261123t140501z", "ps-20261124t140501z"]
    assert {p: p.read_bytes() for p in artifacts.rglob("*") if p.is_file()} == files_before


def test_pod_at_the_limit_is_skipped_and_a_failing_diagnostic_is_reported_with_its_exit_code(cluster, ns, tmp_path):
    core = cluster.core()
    create_and_wait(core, ns, tools_pod("full", labels={"app": "shop"}))
    create_and_wait(core, ns, tools_pod("fresh", labels={"app": "shop"}))
    create_and_wait(core, ns, tools_pod("broken", labels={"app": "batch"}))
    earlier = run_ec(cluster, {"namespace": ns, "pod": "full", "name": "earlier", "image": IMAGES["tools"],
                               "command": ["true"], "wait": True, "wait_for": "terminated"})
    assert not earlier.get("failed"), earlier.get("msg")

    proc, artifacts = diagnose(cluster, tmp_path, [
        {"namespace": ns, "label_selector": "app=shop", "container": "app", "recipe": "process_list"},
        {"name": "failing custom check", "namespace": ns, "label_selector": "app=batch", "recipe": "custom",
         "image": IMAGES["tools"], "command": ["sh", "-c", "echo checking; echo 'no such thing' >&2; exit 7"]},
    ], run_id="limits1", diagnostics_max_ephemeral_containers=1)
    ok(proc)  # the run completes although a pod failed (diagnostics_fail_on_problems is false)
    data = summary(artifacts, "limits1")
    assert data["status"] == "completed_with_problems"
    assert (data["totals"]["ok"], data["totals"]["skipped"], data["totals"]["failed"], data["totals"]["timed_out"]) == (1, 1, 1, 0)
    assert "1 failed" in data["message"] and "1 skipped" in data["message"]

    full = pod_entry(data, "full")
    assert full["outcome"] == "skipped" and "max_ephemeral_containers=1" in full["reason"], full
    assert ephemeral_names(raw_pod(cluster, ns, "full")) == ["earlier"]
    assert pod_entry(data, "fresh")["outcome"] == "ok"
    broken = pod_entry(data, "broken")
    assert broken["outcome"] == "failed" and broken["exit_code"] == 7, broken
    assert "exit code 7" in broken["reason"]
    log = (artifacts / "limits1" / ns / "broken" / "custom-limits1.log").read_text()
    assert "checking" in log and "no such thing" in log

    report = (artifacts / "limits1" / "report.md").read_text()
    assert "Completed with problems" in report
    assert "max_ephemeral_containers=1" in report and "exit code 7" in report
    assert "the run completed with problems" in proc.stdout


def test_retention_removes_the_oldest_runs_and_nothing_else(cluster, ns, tmp_path):
    create_and_wait(cluster.core(), ns, tools_pod("web", labels={"app": "web"}))
    targets = [{"namespace": ns, "label_selector": "app=web", "container": "app", "recipe": "process_list"}]
    artifacts = tmp_path / "artifacts"
    # Things the role did not make: a user's notes, and a run-like directory whose summary is not ours.
    (artifacts / "notes").mkdir(parents=True)
    (artifacts / "notes" / "todo.txt").write_text("keep me\n")
    (artifacts / "foreign").mkdir()
    (artifacts / "foreign" / "summary.json").write_text(json.dumps({"run_id": "foreign", "started_at": "2000-01-01T00:00:00Z"}))

    for run_id in ("r1", "r2", "r3"):
        proc = diagnose(cluster, tmp_path, targets, run_id=run_id, diagnostics_keep_runs=2)[0]
        ok(proc)

    assert not (artifacts / "r1").exists()
    assert (artifacts / "r2" / "summary.json").exists() and (artifacts / "r3" / "summary.json").exists()
    assert (artifacts / "r2" / ns / "web" / "ps-r2.log").exists()
    assert (artifacts / "notes" / "todo.txt").read_text() == "keep me\n"
    assert (artifacts / "foreign" / "summary.json").exists()
    index = json.loads((artifacts / "index.json").read_text())
    assert [r["run_id"] for r in index["runs"]] == ["r3", "r2"]
    # Retention is about artifacts only: every container stays in the pod (the API cannot remove them anyway).
    assert ephemeral_names(raw_pod(cluster, ns, "web")) == ["ps-r1", "ps-r2", "ps-r3"]


def _load_example(name: str, namespace: str) -> list[dict]:
    # One document (ansible-test's yamllint wants that): a List of the objects, as kubectl apply takes it.
    documents = yaml.safe_load((EXAMPLES / name).read_text())["items"]
    for doc in documents:
        doc["metadata"]["namespace"] = namespace
        for subject in doc.get("subjects") or []:
            subject["namespace"] = namespace
    return documents


def test_the_minimal_role_of_the_cronjob_example_is_enough_for_a_run(cluster, ns, tmp_path):
    documents = _load_example("diagnostics-rbac.yaml", ns)
    role = [d for d in documents if d["kind"] == "Role"][0]
    assert sorted((tuple(r["resources"]), tuple(r["verbs"])) for r in role["rules"]) == [
        (("pods",), ("get", "list", "watch")), (("pods/ephemeralcontainers",), ("patch",)), (("pods/log",), ("get",))]
    manifest = tmp_path / "rbac.yaml"
    manifest.write_text(yaml.safe_dump({"apiVersion": "v1", "kind": "List", "items": documents}))
    applied = cluster.kubectl("apply", "-f", str(manifest))
    assert "role.rbac.authorization.k8s.io/kubedebug-diagnostics created" in applied.stdout, applied.stdout
    create_and_wait(cluster.core(), ns, tools_pod("web", labels={"app": "web"}))

    # The CronJob example is valid for this apiserver (server-side dry run; nothing runs it here).
    cronjob = tmp_path / "cronjob.yaml"
    cronjob.write_text(yaml.safe_dump({"apiVersion": "v1", "kind": "List", "items": _load_example("diagnostics-cronjob.yaml", ns)}))
    dry = cluster.kubectl("apply", "--dry-run=server", "-f", str(cronjob))
    assert "cronjob.batch/kubedebug-diagnostics created (server dry run)" in dry.stdout, dry.stdout

    token = service_account_token(cluster, ns, "kubedebug-diagnostics")
    server, ca = server_and_ca(cluster, tmp_path)
    sa = f"system:serviceaccount:{ns}:kubedebug-diagnostics"
    # The token really is this ServiceAccount, and it really is limited.
    assert cluster.kubectl("auth", "can-i", "patch", "pods", "--subresource=ephemeralcontainers", "-n", ns, "--as", sa, check=False).stdout.strip() == "yes"
    assert cluster.kubectl("auth", "can-i", "delete", "pods", "-n", ns, "--as", sa, check=False).stdout.strip() == "no"
    assert cluster.kubectl("auth", "can-i", "list", "pods", "-n", "default", "--as", sa, check=False).stdout.strip() == "no"

    connection = {"host": server, "api_key": token, "ca_cert": ca}
    proc, artifacts = diagnose(cluster, tmp_path, [
        {"namespace": ns, "label_selector": "app=web", "container": "app", "recipe": "process_list"},
    ], run_id="rbac1", connection=connection)
    ok(proc)
    data = summary(artifacts, "rbac1")
    assert data["status"] == "ok", data
    assert "PID" in (artifacts / "rbac1" / ns / "web" / "ps-rbac1.log").read_text()
    assert token not in proc.stdout

    # Outside its namespace the same token fails cleanly, and the run says so.
    proc, artifacts = diagnose(cluster, tmp_path, [
        {"namespace": "default", "label_selector": "app=none", "container": "app", "recipe": "process_list"},
    ], run_id="rbac2", connection=connection)
    ok(proc)
    data = summary(artifacts, "rbac2")
    assert data["status"] == "completed_with_problems" and data["groups"][0]["outcome"] == "error"
    assert "forbidden" in data["groups"][0]["error"].lower() or "denied" in data["groups"][0]["error"].lower(), data["groups"][0]
