"""ephemeral_container_info on the current era: its view is what the API holds.

Logs are read right after the containers ran: while the legacy era's kubelet runs on the same host,
the two kubelets share /var/log/pods and each one's container GC removes the other's pod log
directories (the API then answers 200 with "failed to try resolving symlinks ..." as the "log")."""

from __future__ import annotations

import pytest

from support.ansible import run_module
from support.ephemeral import (INFO, delete_namespace, ephemeral_specs, ephemeral_status, info_spec, raw_pod, run_ec,
                               run_info)
from support.pods import IMAGES, create_and_wait, new_namespace, tools_pod

TOOLS = IMAGES["tools"]


@pytest.fixture
def namespaces(testbed_current, namespace_in):
    made: list[str] = []

    def make() -> str:
        made.append(namespace_in(testbed_current, "ec-info"))
        return made[-1]

    yield make
    for namespace in made:
        delete_namespace(testbed_current, namespace)


@pytest.fixture(scope="module")
def populated(testbed_current):
    """Namespace with pod 'web' (one running, one exited ephemeral container) and pod 'plain' (none)."""
    core = testbed_current.core()
    namespace = new_namespace(core, "ec-info")
    marker = namespace  # a label value no other test uses
    create_and_wait(core, namespace, tools_pod("web", labels={"app": "web", "kd-it": marker}))
    create_and_wait(core, namespace, tools_pod("plain", labels={"app": "plain", "kd-it": marker}))
    for args in ({"name": "shell", "command": ["sh", "-c", "echo ready; while true; do sleep 1; done"],
                  "wait": True},
                 {"name": "oneshot", "command": ["sh", "-c", "echo line-1; echo line-2; exit 2"],
                  "wait": True, "wait_for": "terminated"}):
        result = run_ec(testbed_current, {"namespace": namespace, "pod": "web", "image": TOOLS, "target": "app",
                                          **args})
        assert not result.get("failed"), result.get("msg")
    yield namespace
    delete_namespace(testbed_current, namespace)


def test_view_matches_the_pod_the_api_holds(cluster, populated, audit_of):
    namespace = populated
    audit = audit_of(cluster)
    result = run_info(cluster, {"namespace": namespace, "pod": "web", "logs": True})
    assert result["changed"] is False and not result.get("failed"), result.get("msg")
    assert result["server"] == {"git_version": "v1.37.2", "major": 1, "minor": 37, "api_era": "pod",
                                "subresource_enabled": True}
    (pod,) = result["pods"]
    raw = raw_pod(cluster, namespace, "web")
    assert (pod["namespace"], pod["pod"], pod["phase"], pod["node"]) == (
        namespace, "web", raw["status"]["phase"], raw["spec"]["nodeName"])
    assert pod["ephemeral_container_count"] == 2
    # Spec: exactly the stored entries, in the stored order.
    assert [info_spec(c) for c in pod["ephemeral_containers"]] == ephemeral_specs(raw)
    by_name = {c["name"]: c for c in pod["ephemeral_containers"]}
    shell, oneshot = by_name["shell"], by_name["oneshot"]
    raw_shell, raw_oneshot = ephemeral_status(raw, "shell"), ephemeral_status(raw, "oneshot")
    assert shell["status"]["state"] == "running"
    assert shell["status"]["started_at"] == raw_shell["state"]["running"]["startedAt"]
    assert shell["status"]["container_id"] == raw_shell["containerID"]
    assert shell["status"]["image_id"] == raw_shell["imageID"]
    assert oneshot["status"]["state"] == "terminated" and oneshot["status"]["exit_code"] == 2
    assert oneshot["status"]["reason"] == raw_oneshot["state"]["terminated"]["reason"] == "Error"
    assert oneshot["status"]["finished_at"] == raw_oneshot["state"]["terminated"]["finishedAt"]
    assert oneshot["logs"] == "line-1\nline-2\n"
    assert shell["logs"].startswith("ready\n")
    assert audit.attempts(namespace) == []
    # name filter and logs_tail_lines (read right away: see the note on logs in the module docstring)
    result = run_info(cluster, {"namespace": namespace, "pod": "web", "name": "oneshot", "logs": True,
                                "logs_tail_lines": 1})
    (pod,) = result["pods"]
    assert pod["ephemeral_container_count"] == 2
    assert [c["name"] for c in pod["ephemeral_containers"]] == ["oneshot"]
    assert pod["ephemeral_containers"][0]["logs"] == "line-2\n"
    assert pod["ephemeral_containers"][0]["status"]["exit_code"] == 2


def test_selectors_namespace_and_missing_pod(cluster, populated):
    namespace = populated
    everything = run_info(cluster, {"namespace": namespace})
    assert [(p["pod"], p["ephemeral_container_count"]) for p in everything["pods"]] == [("plain", 0), ("web", 2)]
    assert everything["pods"][0]["ephemeral_containers"] == []
    assert all(c["logs"] is None for c in everything["pods"][1]["ephemeral_containers"])
    by_label = run_info(cluster, {"namespace": namespace, "label_selectors": ["app=web"]})
    assert [p["pod"] for p in by_label["pods"]] == ["web"]
    by_field = run_info(cluster, {"namespace": namespace, "field_selectors": ["metadata.name=plain"]})
    assert [p["pod"] for p in by_field["pods"]] == ["plain"]
    missing = run_info(cluster, {"namespace": namespace, "pod": "nope"})
    assert missing["pods"] == [] and not missing.get("failed")
    # Pod and selectors together are refused.
    bad = run_info(cluster, {"namespace": namespace, "pod": "web", "label_selectors": ["app=web"]})
    assert bad["failed"] is True
    assert "pod cannot be combined with label_selectors, field_selectors or all_namespaces" in bad["msg"]


def test_all_namespaces_with_a_label_selector(cluster, populated, namespaces):
    second = namespaces()
    create_and_wait(cluster.core(), second, tools_pod("elsewhere", labels={"kd-it": populated}))
    # K8S_AUTH_KUBECONFIG instead of the kubeconfig option, as with kubernetes.core.
    result = run_module(INFO, {"all_namespaces": True, "label_selectors": [f"kd-it={populated}"]},
                        env={"K8S_AUTH_KUBECONFIG": str(cluster.kubeconfig)})
    assert not result.get("failed"), result.get("msg")
    assert [(p["namespace"], p["pod"]) for p in result["pods"]] == sorted(
        [(populated, "plain"), (populated, "web"), (second, "elsewhere")])
    counts = {p["pod"]: p["ephemeral_container_count"] for p in result["pods"]}
    assert counts == {"plain": 0, "web": 2, "elsewhere": 0}


def test_check_mode_reads_the_same(cluster, populated):
    normal = run_info(cluster, {"namespace": populated, "pod": "web"})
    checked = run_info(cluster, {"namespace": populated, "pod": "web"}, check=True)
    assert checked["changed"] is False
    assert [info_spec(c) for c in checked["pods"][0]["ephemeral_containers"]] == [
        info_spec(c) for c in normal["pods"][0]["ephemeral_containers"]]


def test_a_selection_gets_compact_entries_and_full_ones_when_asked(cluster, namespaces):
    namespace = namespaces()
    for name in ("a", "b"):
        create_and_wait(cluster.core(), namespace, tools_pod(name, labels={"app": "fleet"}))
    made = run_ec(cluster, {"namespace": namespace, "label_selectors": ["app=fleet"], "name": "oneshot", "image": TOOLS,
                            "target": "app", "command": ["sh", "-c", "echo done; exit 3"], "annotate": True,
                            "wait": True, "wait_for": "terminated"})
    assert not made.get("failed"), made.get("msg")
    select = {"namespace": namespace, "label_selectors": ["app=fleet"], "logs": True}
    compact = run_info(cluster, select)
    assert not compact.get("failed"), compact.get("msg")
    assert [p["pod"] for p in compact["pods"]] == ["a", "b"]
    for pod in compact["pods"]:
        (entry,) = pod["ephemeral_containers"]
        # No spec beyond name and image, no annotation, no runtime details; what a user acts on is there.
        assert set(entry) == {"name", "image", "status", "logs", "logs_truncated", "added_by"}, sorted(entry)
        assert (entry["name"], entry["image"], entry["logs"]) == ("oneshot", TOOLS, "done\n")
        assert entry["status"]["state"] == "terminated" and entry["status"]["exit_code"] == 3
        assert "container_id" not in entry["status"] and entry["added_by"]["manager"] == "kubedebug.ephemeral"
    full = run_info(cluster, dict(select, results_detail="full"))
    assert [p["pod"] for p in full["pods"]] == ["a", "b"]
    for pod in full["pods"]:
        raw = raw_pod(cluster, namespace, pod["pod"])
        assert [info_spec(c) for c in pod["ephemeral_containers"]] == ephemeral_specs(raw)
        (entry,) = pod["ephemeral_containers"]
        assert entry["annotation"]["field_manager"] == "kubedebug.ephemeral" and entry["logs"] == "done\n"
        assert entry["status"]["container_id"] == ephemeral_status(raw, "oneshot")["containerID"]
