# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import json

import pytest

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api.defaults import apply_server_defaults
from ansible_collections.kubedebug.ephemeral.plugins.modules.ephemeral_container import main
from ansible_collections.kubedebug.ephemeral.tests.unit.plugins.modules.fake_apiserver import FakeApiServer, make_pod, run_module

SHELL = {"namespace": "shop", "pod": "web", "name": "debug-shell", "image": "busybox:1.36", "target": "app",
         "command": ["sh"], "stdin": True, "tty": True}


@pytest.fixture
def server():
    api = FakeApiServer()
    api.add(make_pod("web"))
    return api


def test_creates_and_reports_the_stored_spec(server):
    result = run_module(main, server, SHELL)
    assert not result["failed"], result["msg"] if result["failed"] else ""
    assert result["changed"] is True and result["api_era"] == "pod" and result["server_version"] == "v1.37.3"
    entry = result["results"][0]
    assert (entry["namespace"], entry["pod"], entry["container"], entry["created"], entry["skipped"]) == ("shop", "web", "debug-shell", True, False)
    assert entry["spec"]["terminationMessagePath"] == "/dev/termination-log"
    assert entry["attach_command"] == "kubectl attach -n shop web -c debug-shell -it"
    assert server.stored_writes == 1
    assert server.patches()[0][3] == [
        {"op": "test", "path": "/spec/ephemeralContainers", "value": None},
        {"op": "add", "path": "/spec/ephemeralContainers", "value": [{
            "name": "debug-shell", "image": "busybox:1.36", "command": ["sh"], "stdin": True, "tty": True,
            "targetContainerName": "app"}]}]


@pytest.mark.parametrize("era,version", [("Pod", "1.37"), ("EphemeralContainers", "1.21")])
def test_existing_containers_keep_their_place(era, version):
    # The new container goes last (a strategic merge patch without $setElementOrder stored it first on a real 1.37 apiserver).
    server = FakeApiServer(era=era, version=version)
    server.add(make_pod("web", ephemeral=[{"name": "old-1", "image": "busybox:1.35"}, {"name": "old-2", "image": "busybox:1.35"}]))
    result = run_module(main, server, dict(SHELL, name="new"))
    assert result["changed"] is True
    assert [c["name"] for c in server.pods[("shop", "web")]["spec"]["ephemeralContainers"]] == ["old-1", "old-2", "new"]


def test_second_identical_run_changes_nothing_and_writes_nothing(server):
    run_module(main, server, SHELL)
    before = len(server.patches())
    result = run_module(main, server, SHELL)
    assert result["changed"] is False and result["results"][0]["created"] is False
    assert len(server.patches()) == before and server.stored_writes == 1


def test_derived_name_is_stable(server):
    args = {k: v for k, v in SHELL.items() if k != "name"}
    first = run_module(main, server, args)
    second = run_module(main, server, args)
    assert first["results"][0]["container"] == second["results"][0]["container"]
    assert first["results"][0]["container"].startswith("debugger-")
    assert second["changed"] is False and server.stored_writes == 1
    third = run_module(main, server, dict(args, run_id="2026-01-02"))
    assert third["changed"] is True and third["results"][0]["container"] != first["results"][0]["container"]


def test_same_name_different_spec_fails_with_the_difference_and_writes_nothing(server):
    run_module(main, server, SHELL)
    patches = len(server.patches())
    result = run_module(main, server, dict(SHELL, command=["sh", "-c", "ps"]))
    assert result["failed"] and "already exists with a different spec" in result["msg"]
    assert 'command: existing ["sh"], wanted ["sh", "-c", "ps"]' in result["msg"]
    assert len(server.patches()) == patches


def test_check_mode_is_a_server_side_dry_run(server):
    result = run_module(main, server, SHELL, check_mode=True)
    assert result["changed"] is True and result["results"][0]["created"] is True
    assert server.patches()[0][2] == {"dryRun": "All", "fieldManager": "kubedebug.ephemeral"}
    assert server.stored_writes == 0 and "ephemeralContainers" not in server.pods[("shop", "web")]["spec"]
    run_module(main, server, SHELL)
    again = run_module(main, server, SHELL, check_mode=True)
    assert again["changed"] is False and len(server.patches()) == 2


def test_diff_mode(server):
    server.pods[("shop", "web")]["spec"]["ephemeralContainers"] = [{"name": "old", "image": "busybox:1.35"}]
    result = run_module(main, server, SHELL, diff=True)
    diff = result["diff"][0]
    assert [c["name"] for c in diff["before"]["ephemeralContainers"]] == ["old"]
    assert [c["name"] for c in diff["after"]["ephemeralContainers"]] == ["old", "debug-shell"]
    assert diff["before_header"] == "shop/web spec.ephemeralContainers"


def test_legacy_era_uses_the_old_kind_and_check_mode_sends_nothing():
    server = FakeApiServer(era="EphemeralContainers", version="1.21")
    server.add(make_pod("web"))
    check = run_module(main, server, SHELL, check_mode=True)
    assert check["changed"] is True and check["api_era"] == "ephemeral_containers" and server.patches() == []
    assert check["results"][0]["spec"]["terminationMessagePolicy"] == "File"
    result = run_module(main, server, SHELL)
    assert result["changed"] is True and server.stored_writes == 1
    assert server.patches()[0][3] == [
        {"op": "add", "path": "/ephemeralContainers/-", "value": {
            "name": "debug-shell", "image": "busybox:1.36", "command": ["sh"], "stdin": True, "tty": True,
            "targetContainerName": "app", "imagePullPolicy": "IfNotPresent", "terminationMessagePolicy": "File",
            "terminationMessagePath": "/dev/termination-log"}},
        {"op": "test", "path": "/ephemeralContainers/0/name", "value": "debug-shell"}]
    assert run_module(main, server, SHELL)["changed"] is False


def test_security_context_on_the_legacy_era_fails_before_writing():
    server = FakeApiServer(era="EphemeralContainers", version="1.21")
    server.add(make_pod("web"))
    result = run_module(main, server, dict(SHELL, profile="netadmin"))
    assert result["failed"] and "1.22+" in result["msg"] and server.patches() == []


def test_a_200_that_added_nothing_is_a_failure_not_a_success():
    server = FakeApiServer(ignore_writes=True)
    server.add(make_pod("web"))
    result = run_module(main, server, SHELL)
    assert result["failed"] and "answered 200 but did not add" in result["msg"]
    assert result["changed"] is False and result["results"][0]["created"] is False
    assert "did not add" in result["results"][0]["error"]


def test_gate_off_fails_with_the_feature_gate_hint_and_no_write():
    server = FakeApiServer(era=None, version="1.21")
    server.add(make_pod("web"))
    result = run_module(main, server, SHELL)
    assert result["failed"] and "kube-apiserver AND every kubelet" in result["msg"] and server.patches() == []


@pytest.mark.parametrize("args, pod_kwargs, message", [
    ({"target": "nope"}, {}, "has no container or init container named 'nope'"),
    ({"name": "app"}, {}, "is already the name of a container"),
    ({}, {"annotations": {"kubernetes.io/config.mirror": "abc"}}, "static pods do not support ephemeral containers"),
    ({"volume_mounts": [{"name": "data", "mount_path": "/data"}]}, {}, "has no volume named 'data'"),
])
def test_pod_problems_fail_before_any_write(args, pod_kwargs, message):
    server = FakeApiServer()
    server.add(make_pod("web", **pod_kwargs))
    result = run_module(main, server, dict(SHELL, **args))
    assert result["failed"] and message in result["msg"] and server.patches() == []


@pytest.mark.parametrize("args, message", [
    ({"custom": {"resources": {"limits": {"cpu": "1"}}}}, "may not have resources"),
    ({"custom": {"ports": [{"containerPort": 80}]}}, "may not have ports"),
    ({"custom": {"livenessProbe": {"exec": {"command": ["true"]}}}}, "may not have livenessProbe"),
    ({"custom": {"lifecycle": {"preStop": {"exec": {"command": ["true"]}}}}}, "custom.lifecycle"),
    ({"volume_mounts": [{"name": "tmp", "mount_path": "/t", "sub_path": "x"}]}, "sub_path is not allowed"),
])
def test_forbidden_fields_fail_before_any_api_call(args, message):
    server = FakeApiServer()
    result = run_module(main, server, dict(SHELL, **args))
    assert result["failed"] and message in result["msg"] and server.requests == []


def test_missing_pod_and_namespace_are_told_apart(server):
    assert 'Pod "nope" not found in namespace "shop"' in run_module(main, server, dict(SHELL, pod="nope"))["msg"]
    assert 'Namespace "ghost" does not exist' in run_module(main, server, dict(SHELL, namespace="ghost"))["msg"]


def test_pod_and_selectors_are_exclusive(server):
    result = run_module(main, server, dict(SHELL, label_selectors=["app=web"]))
    assert result["failed"] and "pod cannot be combined" in result["msg"] and server.requests == []


def many_pods():
    server = FakeApiServer()
    server.add(make_pod("a"))
    server.add(make_pod("b", phase="Pending"))
    server.add(make_pod("c", ephemeral=[{"name": "x", "image": "busybox"}, {"name": "y", "image": "busybox"}]))
    server.add(make_pod("d"))
    server.add(make_pod("other", labels={"app": "db"}))
    return server


SELECTED = {"namespace": "shop", "label_selectors": ["app=web"], "image": "busybox:1.36", "command": ["jstack", "1"], "target": "app"}


def test_many_pods_skip_with_reasons():
    server = many_pods()
    result = run_module(main, server, dict(SELECTED, max_ephemeral_containers=2, run_id="r1"))
    by_pod = {r["pod"]: r for r in result["results"]}
    assert sorted(by_pod) == ["a", "b", "c", "d"]
    assert by_pod["b"]["skipped"] and "Pending" in by_pod["b"]["skip_reason"]
    assert by_pod["c"]["skipped"] and "max_ephemeral_containers=2" in by_pod["c"]["skip_reason"]
    assert by_pod["a"]["created"] and by_pod["d"]["created"] and server.stored_writes == 2
    assert by_pod["a"]["container"] == by_pod["d"]["container"]


def test_max_pods_fails_before_any_write():
    server = many_pods()
    result = run_module(main, server, dict(SELECTED, max_pods=3))
    assert result["failed"] and "4 pods match" in result["msg"] and server.patches() == []


def test_one_bad_pod_stops_every_write():
    server = many_pods()
    server.pods[("shop", "d")]["spec"]["containers"] = [{"name": "sidecar", "image": "x"}]
    result = run_module(main, server, SELECTED)
    assert result["failed"] and "pod shop/d" in result["msg"] and server.patches() == []


def test_wait_for_terminated_with_logs_and_target_volumes(server):
    server.pods[("shop", "web")]["spec"]["containers"][0]["volumeMounts"].append({"name": "tmp", "mountPath": "/cfg", "subPath": "c"})
    args = dict(SHELL, command=["jstack", "1"], stdin=False, tty=False, mount_target_volumes=True, wait=True, wait_for="terminated", logs=True)
    result = run_module(main, server, args)
    entry = result["results"][0]
    assert not result["failed"]
    assert entry["status"]["state"] == "terminated" and entry["status"]["exit_code"] == 0
    assert entry["logs"] == "thread dump\n"
    assert entry["spec"]["volumeMounts"] == [{"name": "tmp", "mountPath": "/tmp"}]
    assert any("subPath" in w for w in entry["warnings"])


def test_wait_timeout_without_kubelet_status_names_the_gate():
    server = FakeApiServer(kubelet=False, version="1.21", era="EphemeralContainers")
    server.add(make_pod("web"))
    result = run_module(main, server, dict(SHELL, wait=True, wait_timeout=1))
    assert result["failed"] and "never reported a status" in result["msg"] and "feature gate" in result["msg"]
    assert result["changed"] is True and result["results"][0]["created"] is True and result["results"][0]["status"] is None


def test_no_wait_in_check_mode(server):
    run_module(main, server, dict(SHELL, wait=True), check_mode=True)
    assert not [r for r in server.requests if r[2].get("watch") == "true"]


def _exits_with(server, code):
    """The fake kubelet ends every new container with ``code``."""
    original = server._list

    def listing(namespace, query):
        response = original(namespace, query)
        for pod in server.pods.values():
            for status in pod["status"].get("ephemeralContainerStatuses") or []:
                status["state"]["terminated"]["exitCode"] = code
                status["state"]["terminated"]["reason"] = "Error" if code else "Completed"
        for event in response._events:
            for status in event["object"]["status"].get("ephemeralContainerStatuses") or []:
                status["state"]["terminated"].update(exitCode=code, reason="Error" if code else "Completed")
        return response

    server._list = listing


TERMINATED = dict(SHELL, stdin=False, tty=False, wait=True, wait_for="terminated", logs=True)


def test_a_nonzero_exit_is_reported_not_failed_by_default(server):
    _exits_with(server, 3)
    result = run_module(main, server, TERMINATED)
    assert result["failed"] is False and result["results"][0]["status"]["exit_code"] == 3


def test_fail_on_nonzero_exit_fails_with_every_result_kept(server):
    _exits_with(server, 3)
    result = run_module(main, server, dict(TERMINATED, fail_on_nonzero_exit=True))
    assert result["failed"] is True
    assert result["msg"] == ("1 ephemeral container(s) exited with a non-zero code (fail_on_nonzero_exit=true): "
                             "pod shop/web: ephemeral container 'debug-shell' exited with 3 (Error)")
    assert result["results"][0]["logs"] == "thread dump\n" and result["results"][0]["created"] is True


def test_fail_on_nonzero_exit_passes_on_zero(server):
    _exits_with(server, 0)
    assert run_module(main, server, dict(TERMINATED, fail_on_nonzero_exit=True))["failed"] is False


def test_fail_on_nonzero_exit_needs_wait_for_terminated(server):
    result = run_module(main, server, dict(SHELL, fail_on_nonzero_exit=True))
    assert result["failed"] is True and "fail_on_nonzero_exit: an exit code is only known after" in result["msg"]
    assert server.patches() == []


def _someone_else_adds(server, container):
    """Another writer adds ``container`` between our read and our write."""
    original = server._patch

    def racing(pod, ops, dry_run):
        if not pod["spec"].get("ephemeralContainers"):
            pod["spec"]["ephemeralContainers"] = [dict(apply_server_defaults(container), resources={})]
        return original(pod, ops, dry_run)

    server._patch = racing


SHELL_SPEC = {"name": "debug-shell", "image": "busybox:1.36", "command": ["sh"], "stdin": True, "tty": True,
              "targetContainerName": "app"}


def test_the_same_container_added_meanwhile_by_someone_else_is_not_ours(server):
    _someone_else_adds(server, SHELL_SPEC)
    result = run_module(main, server, SHELL)
    assert result["failed"] is False and result["changed"] is False and result["results"][0]["created"] is False
    assert [c["name"] for c in server.pods[("shop", "web")]["spec"]["ephemeralContainers"]] == ["debug-shell"]


def test_another_spec_added_meanwhile_under_our_name_fails_as_immutable(server):
    _someone_else_adds(server, dict(SHELL_SPEC, image="busybox:1.35"))
    result = run_module(main, server, SHELL)
    assert result["failed"] is True and "was added by someone else meanwhile, with a different spec" in result["msg"]
    assert "image: existing" in result["msg"] and result["immutable_conflict"] is True


def test_every_write_names_the_field_manager(server):
    run_module(main, server, dict(SHELL, field_manager="ops-team"))
    assert server.patches()[0][2] == {"fieldManager": "ops-team"}


def test_annotate_is_a_second_write_made_once(server):
    result = run_module(main, server, dict(SHELL, annotate=True, run_id="r1"))
    assert not result["failed"], result.get("msg")
    pod_patches = [p for p in server.patches() if not p[1].endswith("/ephemeralcontainers")]
    assert len(pod_patches) == 1 and pod_patches[0][2] == {"fieldManager": "kubedebug.ephemeral"}
    record = result["results"][0]["annotation"]
    assert record["run_id"] == "r1" and record["added_by_this_run"] is True
    stored = server.pods[("shop", "web")]["metadata"]["annotations"]["kubedebug.ephemeral/debug-shell"]
    assert json.loads(stored) == record
    again = run_module(main, server, dict(SHELL, annotate=True, run_id="r1"))
    assert again["changed"] is False and len(server.patches()) == 2 and again["results"][0]["annotation"] == record


def test_annotate_records_an_existing_container_without_a_record(server):
    run_module(main, server, SHELL)
    result = run_module(main, server, dict(SHELL, annotate=True))
    assert result["changed"] is True and result["results"][0]["created"] is False
    assert result["results"][0]["annotation"]["added_by_this_run"] is False


def test_bad_field_manager_is_refused_before_any_call(server):
    result = run_module(main, server, dict(SHELL, field_manager="x" * 200))
    assert result["failed"] and "field_manager: 200 bytes is too long" in result["msg"] and server.requests == []


def _restricted_only(container):
    context = container.get("securityContext") or {}
    return [] if context.get("runAsNonRoot") and context.get("allowPrivilegeEscalation") is False else ["runAsNonRoot != true"]


def test_profile_auto_takes_the_most_capable_admitted_and_a_rerun_chooses_the_same(server):
    server.pod_security = _restricted_only
    args = {k: v for k, v in SHELL.items() if k != "name"}
    result = run_module(main, server, dict(args, profile="auto"))
    assert not result["failed"], result.get("msg")
    choice = result["auto_profile"][0]
    assert (choice["profile"], choice["evaluated_on"]) == ("restricted", "shop/web")
    assert set(choice["refused"]) == {"sysadmin", "netadmin", "general", "baseline"}
    assert result["results"][0]["profile"] == "restricted" and result["results"][0]["spec"]["securityContext"]["runAsNonRoot"]
    dry_runs = [p for p in server.patches() if p[2].get("dryRun") == "All"]
    assert len(dry_runs) == 5 and server.stored_writes == 1
    again = run_module(main, server, dict(args, profile="auto"))
    assert again["changed"] is False and again["auto_profile"][0]["profile"] == "restricted"
    assert again["auto_profile"][0]["how"] == "its container is already on the pod"


def test_profile_auto_without_pod_security_takes_sysadmin(server):
    result = run_module(main, server, dict(SHELL, profile="auto"))
    assert result["results"][0]["profile"] == "sysadmin" and result["results"][0]["spec"]["securityContext"] == {"privileged": True}


def test_profile_auto_fails_with_every_reason_when_nothing_is_admitted(server):
    server.pod_security = lambda container: ["nothing allowed"]
    result = run_module(main, server, dict(SHELL, profile="auto"))
    assert result["failed"] and "admits none of the profiles" in result["msg"] and "restricted: nothing allowed" in result["msg"]
    assert server.stored_writes == 0


def test_profile_auto_before_1_22_is_the_first_valid_profile():
    server = FakeApiServer(era="EphemeralContainers", version="1.21")
    server.add(make_pod("web"))
    result = run_module(main, server, dict(SHELL, profile="auto"))
    assert not result["failed"], result.get("msg")
    assert result["results"][0]["profile"] == "baseline" and "no dry run" in result["auto_profile"][0]["how"]


def test_profile_auto_refuses_security_context(server):
    result = run_module(main, server, dict(SHELL, profile="auto", security_context={"runAsUser": 1}))
    assert result["failed"] and "security_context: profile 'auto'" in result["msg"] and server.requests == []
