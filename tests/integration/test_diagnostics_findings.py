"""What a new user ran into with diagnose.yml on the test bed, each now caught: a run that
selects no pod, a debug image that cannot be pulled, and a misspelt role variable."""

from __future__ import annotations

import json
import time

from support.ansible import run_playbook
from support.diagnostics import diagnose, ok, pod_entry, summary
from support.ephemeral import run_ec
from support.pods import create_and_wait, tools_pod

# Nothing listens on port 9 of the loopback: the pull fails at once with "connection refused", no network needed.
UNPULLABLE = "127.0.0.1:9/kubedebug/not-there:1"


def test_a_run_that_selects_no_pod_is_a_problem_unless_allowed(cluster, ns, tmp_path):
    targets = [{"name": "renamed label", "namespace": ns, "label_selector": "app=payments", "container": "app",
                "recipe": "process_list"}]
    proc, artifacts = diagnose(cluster, tmp_path, targets, run_id="empty1")
    ok(proc)  # diagnostics_fail_on_problems is false: the play goes on, and says so
    data = summary(artifacts, "empty1")
    assert data["status"] == "completed_with_problems", data
    assert "1 group(s) selected no pod" in data["message"]
    assert data["groups"][0]["no_pods"] is True and data["totals"]["groups_without_pods_problem"] == 1
    assert "**no pod selected**" in (artifacts / "empty1" / "report.md").read_text()
    index = json.loads((artifacts / "index.json").read_text())
    assert index["runs"][0]["status"] == "completed_with_problems"
    assert "progress: group 1/1 done (renamed label: 0 pod(s)); 0 pod(s) done so far" in proc.stdout, proc.stdout[-3000:]
    # Ansible prints warnings on stderr.
    assert "[WARNING]: diagnostics run empty1: the run completed with problems" in proc.stderr, proc.stderr[-3000:]

    failing = diagnose(cluster, tmp_path, targets, run_id="empty2", diagnostics_fail_on_problems=True)[0]
    assert failing.returncode != 0
    assert "diagnostics run empty2: the run completed with problems" in failing.stdout + failing.stderr
    assert "selected no pod" in failing.stdout + failing.stderr

    allowed, artifacts = diagnose(cluster, tmp_path, targets, run_id="empty3", diagnostics_allow_no_pods=True,
                                  diagnostics_fail_on_problems=True)
    ok(allowed)
    data = summary(artifacts, "empty3")
    assert data["status"] == "ok" and data["totals"]["groups_without_pods"] == 1, data
    assert "diagnostics run empty3" not in allowed.stdout + allowed.stderr


def test_an_image_that_cannot_be_pulled_fails_in_seconds_in_the_module(cluster, ns):
    create_and_wait(cluster.core(), ns, tools_pod("web"))
    started = time.monotonic()
    result = run_ec(cluster, {"namespace": ns, "pod": "web", "name": "nopull", "image": UNPULLABLE,
                              "image_pull_policy": "IfNotPresent", "command": ["true"], "wait": True, "wait_timeout": 120})
    elapsed = time.monotonic() - started
    assert result.get("failed"), result
    assert f"1 ephemeral container(s) cannot start: {ns}/web container 'nopull': it is waiting with" in result["msg"], result["msg"]
    assert result["results"][0]["status"]["reason"] in ("ErrImagePull", "ImagePullBackOff")
    assert elapsed < 60, f"took {elapsed:.0f} s"
    print(f"pull error reported after {elapsed:.1f} s")  # noqa: T201

    # Asked to wait through the kubelet's retries, it does (until its timeout).
    started = time.monotonic()
    result = run_ec(cluster, {"namespace": ns, "pod": "web", "name": "nopull2", "image": UNPULLABLE,
                              "image_pull_policy": "IfNotPresent", "command": ["true"], "wait": True, "wait_timeout": 15,
                              "fail_on_image_pull_error": False})
    assert result.get("failed") and result["msg"].startswith("Timed out after 15 s"), result.get("msg")
    assert time.monotonic() - started >= 15


def test_the_role_reports_an_unpullable_image_as_failed_without_waiting_for_the_timeout(cluster, ns, tmp_path):
    create_and_wait(cluster.core(), ns, tools_pod("web-0", labels={"app": "web"}))
    create_and_wait(cluster.core(), ns, tools_pod("web-1", labels={"app": "web"}))
    proc, artifacts = diagnose(cluster, tmp_path, [
        {"namespace": ns, "label_selector": "app=web", "container": "app", "recipe": "process_list"},
    ], run_id="pull1", diagnostics_process_list_image=UNPULLABLE, diagnostics_wait_timeout=120)
    ok(proc)
    data = summary(artifacts, "pull1")
    assert data["status"] == "completed_with_problems"
    for name in ("web-0", "web-1"):
        entry = pod_entry(data, name)
        assert entry["outcome"] == "failed" and entry["reason"].startswith("the container cannot start: "), entry
        assert "ErrImagePull" in entry["reason"] or "ImagePullBackOff" in entry["reason"], entry
    assert data["groups"][0]["wall_seconds"] < 60, data["groups"][0]
    assert data["settings"]["fail_on_image_pull_error"] in (True, "True")


def test_misspelt_role_variables_are_warned_about(cluster, ns, tmp_path):
    create_and_wait(cluster.core(), ns, tools_pod("web"))
    proc, artifacts = diagnose(cluster, tmp_path, [
        {"namespace": ns, "label_selector": "app=web", "container": "app", "recipe": "process_list"},
    ], run_id="typo1", diagnostics_image="eclipse-temurin:21-jdk")
    ok(proc)
    assert ("[WARNING]: kubedebug.ephemeral.diagnostics: diagnostics_image is not a variable of the role, so it has no "
            "effect (did you mean diagnostics_jdk_image?)") in proc.stderr, proc.stderr[-3000:]
    assert summary(artifacts, "typo1")["status"] == "ok"

    # The feature_gates role too (in check mode: the warning comes first, whatever the role then finds on this host).
    # Variables of the play, the inventory or -e are what goes unchecked; role parameters are validated already.
    play = tmp_path / "gates.yml"
    play.write_text(json.dumps([{"hosts": "localhost", "gather_facts": False, "connection": "local",
                                 "vars": {"feature_gates_component": ["kubelet"]}, "roles": [{
                                     "role": "kubedebug.ephemeral.feature_gates", "feature_gates_components": ["kubelet"],
                                     "feature_gates_manifests_dir": str(tmp_path / "none")}]}]))
    gates = run_playbook(play, check=True)
    assert ("[WARNING]: kubedebug.ephemeral.feature_gates: feature_gates_component is not a variable of the role, so "
            "it has no effect (did you mean feature_gates_components?)") in gates.stderr, gates.stderr[-3000:]
