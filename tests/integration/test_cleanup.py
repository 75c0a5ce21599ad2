"""ephemeral_container_cleanup on the current era: a 3-replica Deployment under a
PodDisruptionBudget minAvailable 2, two of its pods carrying ephemeral containers, is recycled one pod
after the other without ever dropping below 2 Ready pods (sampled), the replacements carry none; a
bare pod is reported and untouched; a StatefulSet's pod comes back under its name without them; check
mode lists exactly that and writes nothing; a re-run changes nothing."""

from __future__ import annotations

import time

from support.ephemeral import ephemeral_names, raw_pod, run_ec
from support.figures import record
from support.lifecycle import ReadySampler, budget, deployment, ready_pods, run_cleanup, statefulset, wait_ready
from support.pods import IMAGES, create_and_wait, tools_pod

TOOLS = IMAGES["tools"]


def _debug(cluster, ns, pod):
    result = run_ec(cluster, {"namespace": ns, "pod": pod, "name": "dbg", "image": TOOLS, "command": ["sleep", "600"]})
    assert not result.get("failed"), result.get("msg")


def test_deployment_statefulset_and_bare_pod(cluster, ns, audit_of):
    deployment(cluster, ns, "web", 3)
    budget(cluster, ns, "web", 2)
    statefulset(cluster, ns, "db")
    create_and_wait(cluster.core(), ns, tools_pod("bare"))
    web = wait_ready(cluster, ns, "web", 3)
    wait_ready(cluster, ns, "db", 1)
    debugged = [p["metadata"]["name"] for p in web[:2]]
    for pod in debugged + ["db-0", "bare"]:
        _debug(cluster, ns, pod)
    sts_uid = raw_pod(cluster, ns, "db-0")["metadata"]["uid"]

    audit = audit_of(cluster)
    args = {"namespace": ns, "min_ephemeral_containers": 1, "timeout": 180}
    preview = run_cleanup(cluster, args, check=True)
    assert not preview.get("failed"), preview.get("msg")
    outcomes = {p["pod"]: (p["action"], p["outcome"]) for p in preview["pods"]}
    assert outcomes == {**{name: ("evict", "would_evict") for name in debugged + ["db-0"]}, "bare": ("none", "left_alone")}
    assert preview["changed"] is True and sorted(preview["left_alone"]) == [f"{ns}/bare"]
    assert all(p["reason"] == "holds 1 ephemeral container(s), min_ephemeral_containers=1" for p in preview["pods"])
    assert audit.attempts(ns) == [], "check mode wrote"

    started = time.monotonic()
    with ReadySampler(cluster, ns, "web") as sampler:
        result = run_cleanup(cluster, args)
    took = time.monotonic() - started
    assert not result.get("failed"), result.get("msg")
    assert sorted(result["recycled"]) == sorted(f"{ns}/{name}" for name in debugged + ["db-0"])
    assert sampler.minimum >= 2, f"Ready pods dropped to {sampler.minimum} (samples {sampler.samples})"
    # One at a time: the Deployment went to 2 Ready and back to 3 twice.
    dips = sum(1 for before, after in zip(sampler.samples, sampler.samples[1:]) if before == 3 and after == 2)
    assert dips >= 2, sampler.samples
    evictions = [e for e in audit.attempts(ns, "eviction") if e["responseStatus"]["code"] < 300]
    assert sorted(e["objectRef"]["name"] for e in evictions) == sorted(debugged + ["db-0"])
    by_pod = {p["pod"]: p for p in result["pods"]}
    for name in debugged:
        assert by_pod[name]["outcome"] == "recycled" and by_pod[name]["replaced_by"], by_pod[name]
    now = ready_pods(cluster, ns, "web")
    assert len(now) == 3 and not set(debugged) & {p["metadata"]["name"] for p in now}
    assert all(not p["spec"].get("ephemeralContainers") for p in now)
    db = raw_pod(cluster, ns, "db-0")
    assert db["metadata"]["uid"] != sts_uid and ephemeral_names(db) == [] and by_pod["db-0"]["replaced_by"] == ["db-0"]
    assert by_pod["bare"]["outcome"] == "left_alone" and "bare pod" in by_pod["bare"]["left_alone_because"]
    assert ephemeral_names(raw_pod(cluster, ns, "bare")) == ["dbg"]

    audit.mark()
    again = run_cleanup(cluster, args)
    assert again["changed"] is False and again["recycled"] == [] and again["left_alone"] == [f"{ns}/bare"]
    assert audit.attempts(ns) == []
    record("cleanup", recycled=len(result["recycled"]), min_ready=sampler.minimum, samples=len(sampler.samples),
           seconds=round(took, 1))
