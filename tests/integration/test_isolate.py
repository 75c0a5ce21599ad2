"""Isolate, then debug, on the test bed's current era: a Deployment pod taken out of its Service and its ReplicaSet by
pod_isolate leaves the Service's EndpointSlices within seconds, the ReplicaSet starts a replacement, the isolated pod
stays running for a thread dump and is then recycled by the cleanup module; the diagnostics role does the same in one
run. StatefulSet and bare pods are refused with nothing changed; check mode shows the change and runs are idempotent."""

from __future__ import annotations

import pytest

from support.ansible import run_tasks
from support.diagnostics import diagnose, ok, pod_entry, summary
from support.ephemeral import raw_pod, run_ec
from support.incident import ISOLATE, endpoint_pods, java_deployment, run_isolate, tools_image, wait_until
from support.lifecycle import ready_pods, run_cleanup, statefulset, wait_ready
from support.pods import IMAGES, JAVA_APP_UID, create_and_wait, tools_pod

ISOLATED = "kubedebug.ephemeral/isolated"


def _replacement(cluster, ns, app: str, old: str):
    ready = [p for p in ready_pods(cluster, ns, app) if p["metadata"]["name"] != old]
    return ready[0]["metadata"]["name"] if ready else None


def _gone(cluster, ns, name: str) -> bool:
    return name not in {p.metadata.name for p in cluster.core().list_namespaced_pod(ns).items}


def test_isolated_pod_leaves_its_endpoints_is_replaced_debugged_and_recycled(cluster, ns):
    java_deployment(cluster, ns, "web")
    stuck = wait_ready(cluster, ns, "web", 1)[0]["metadata"]["name"]
    wait_until(lambda: stuck in endpoint_pods(cluster, ns, "web"), 60, "the pod in the Service's endpoints")

    preview = run_isolate(cluster, {"namespace": ns, "pod": stuck}, check=True, diff=True)
    assert preview["changed"] and not preview.get("failed"), preview
    assert preview["labels_removed"]["app"] == "web" and "pod-template-hash" in preview["labels_removed"]
    assert preview["services"] == ["web"] and preview["owner"]["kind"] == "ReplicaSet"
    assert preview["patch"]["metadata"]["labels"][ISOLATED] == "true"
    assert raw_pod(cluster, ns, stuck)["metadata"]["labels"]["app"] == "web"  # check mode sent nothing

    isolated = run_isolate(cluster, {"namespace": ns, "pod": stuck})
    assert isolated["changed"] and isolated["labels"] == {ISOLATED: "true"}, isolated
    left = wait_until(lambda: stuck not in endpoint_pods(cluster, ns, "web"), 30, "the pod leaving the endpoints")[1]
    replacement, replaced = wait_until(lambda: _replacement(cluster, ns, "web", stuck), 120, "a replacement")
    print(f"endpoints lost the isolated pod after {left:.1f} s; replacement {replacement} Ready after {replaced:.1f} s")  # noqa: T201
    pod = raw_pod(cluster, ns, stuck)
    assert pod["status"]["phase"] == "Running" and not pod["metadata"].get("ownerReferences")
    wait_until(lambda: replacement in endpoint_pods(cluster, ns, "web"), 60, "the replacement in the endpoints")

    for check in (False, True):
        again = run_isolate(cluster, {"namespace": ns, "pod": stuck}, check=check)
        assert again["changed"] is False and again["patch"] is None, again
        assert again["owner"] == isolated["owner"] and again["labels_removed"] == isolated["labels_removed"]

    dump = run_ec(cluster, {"namespace": ns, "pod": stuck, "name": "thread-dump-1", "image": IMAGES["jdk"], "target": "app",
                            "mount_target_volumes": True, "security_context": {"runAsUser": JAVA_APP_UID},
                            "command": ["jcmd", "1", "Thread.print"], "wait": True, "wait_for": "terminated",
                            "logs": True})
    assert not dump.get("failed"), dump.get("msg")
    assert "Full thread dump" in dump["results"][0]["logs"]

    recycled = run_cleanup(cluster, {"namespace": ns, "pod": stuck, "name_prefix": "thread-dump-"})
    assert recycled["recycled"] == [f"{ns}/{stuck}"] and recycled["pods"][0]["action"] == "delete", recycled
    wait_until(lambda: _gone(cluster, ns, stuck), 60, "the isolated pod deleted")
    assert endpoint_pods(cluster, ns, "web") == {replacement}


@pytest.mark.incident
def test_the_role_isolates_captures_and_recycles_one_pod(cluster, ns, tmp_path):
    java_deployment(cluster, ns, "shop")
    stuck = wait_ready(cluster, ns, "shop", 1)[0]["metadata"]["name"]
    group = {"namespace": ns, "pod": stuck, "container": "app", "recipe": "jvm_thread_dump", "isolate": True,
             "recycle": True}
    proc, artifacts = diagnose(cluster, tmp_path, [group], run_id="iso1", diagnostics_guard_probe_image=tools_image())
    ok(proc)
    data = summary(artifacts, "iso1")
    entry = pod_entry(data, stuck)
    assert entry["outcome"] == "ok", entry
    assert "Full thread dump" in (artifacts / "iso1" / entry["log_file"]).read_text()
    isolation = data["groups"][0]["isolation"]
    assert isolation["services"] == ["shop"] and isolation["labels_removed"]["app"] == "shop"
    assert data["groups"][0]["recycle"]["recycled"] == [f"{ns}/{stuck}"]
    assert "isolated {0}".format(stuck) in (artifacts / "iso1" / "report.md").read_text()
    wait_until(lambda: _gone(cluster, ns, stuck), 60, "the isolated pod deleted")
    wait_until(lambda: _replacement(cluster, ns, "shop", stuck), 120, "a replacement")


def test_statefulset_and_bare_pods_are_refused_with_nothing_changed(cluster, ns):
    statefulset(cluster, ns, "db")
    create_and_wait(cluster.core(), ns, tools_pod("bare", labels={"app": "bare"}))
    wait_ready(cluster, ns, "db", 1)
    results = run_tasks(ISOLATE, [
        {"namespace": ns, "pod": "db-0"},
        {"namespace": ns, "pod": "bare"},
        {"namespace": ns, "label_selectors": ["app=db"]},
        {"namespace": ns, "pod": "bare", "field_manager": ""},
    ], kubeconfig=cluster.kubeconfig)
    assert results[0]["failed"] and results[0]["refused"]
    assert ("belongs to StatefulSet db: its replacement would need the same name (db-0) and could not start while this "
            "pod exists") in results[0]["msg"]
    assert results[1]["failed"] and "is a bare pod: nothing would start a replacement" in results[1]["msg"]
    assert results[2]["failed"] and "pod is required" in results[2]["msg"] and "remove label_selectors" in results[2]["msg"]
    assert results[3]["failed"] and "field_manager: an empty string" in results[3]["msg"]
    preview = run_isolate(cluster, {"namespace": ns, "pod": "db-0"}, check=True)
    assert preview["failed"] and preview["refused"] and not preview.get("patch")
    labels = raw_pod(cluster, ns, "db-0")["metadata"]["labels"]
    assert labels["app"] == "db" and ISOLATED not in labels
    assert raw_pod(cluster, ns, "bare")["metadata"]["labels"] == {"app": "bare"}
