"""Shards on the scale bed: four shards over one fleet write every pod exactly once, also when one shard is killed
halfway and run again; a shards inventory run with forks: 4; AWX's job variables name every slice's containers and
artifacts alike; bad shards write nothing.

Every claim is checked against the API (containers per pod) and the apiserver's audit log (writes carried out)."""

from __future__ import annotations

import collections
import concurrent.futures
import hashlib
import json
import sys
import time

from support.ansible import run_module, run_tasks
from support.ephemeral import EC, INFO
from support.fleet import LABEL, create_fleet, ephemeral_counts
from support.pods import IMAGES
from support.shards import (
    PLAYBOOKS,
    ec_play_args,
    kill,
    recaps,
    run_over,
    shards_inventory,
    start_module_task,
    wait_for_writes,
    writes_per_pod,
)

CLUSTER = "scale_cluster"
CLEANUP = "kubedebug.ephemeral.ephemeral_container_cleanup"


def documented_shard(uid: str, count: int) -> int:
    """The hash as the docs state it (the first 8 hex digits of the UID's SHA-256, modulo count), written here anew."""
    return int(hashlib.sha256(uid.encode("utf-8")).hexdigest()[:8], 16) % count


def shards_of(core, ns: str, count: int) -> dict[str, int]:
    return {p.metadata.name: documented_shard(p.metadata.uid, count) for p in core.list_namespaced_pod(ns, label_selector=LABEL).items}


def test_four_shards_write_every_pod_exactly_once_also_with_one_killed_and_run_again(cluster, ns, audit_of, tmp_path):
    core = cluster.core()
    names = create_fleet(core, ns, 40, LABEL)
    expected = shards_of(core, ns, 4)
    sizes = collections.Counter(expected.values())
    assert sorted(sizes) == [0, 1, 2, 3], f"a shard of 40 pods is empty: {sizes}"
    victim = max(sizes, key=lambda index: sizes[index])  # the largest shard: most of it is left when it is killed
    victim_pods = sorted(name for name, shard in expected.items() if shard == victim)
    audit = audit_of(cluster)

    # The victim at one request a second: SIGKILL once its first write is carried out, with most of its pods left.
    slow = start_module_task(EC, ec_play_args(cluster, ns, shard={"index": victim, "count": 4}, qps=1, burst=1, wait=False,
                                              logs=False), tmp_path)
    try:
        wait_for_writes(audit, ns, at_least=1)
    finally:
        kill(slow)
    time.sleep(2)  # a write already sent when the process died is still carried out and logged
    written_by_killed = set(writes_per_pod(audit, ns))
    assert written_by_killed and written_by_killed < set(victim_pods), (written_by_killed, victim_pods)

    others = [index for index in range(4) if index != victim]
    with concurrent.futures.ThreadPoolExecutor(max_workers=3) as pool:
        results = dict(zip(others, pool.map(
            lambda index: run_module(EC, ec_play_args(cluster, ns, shard={"index": index, "count": 4}, max_concurrency=8)),
            others)))
    results[victim] = rerun = run_module(EC, ec_play_args(cluster, ns, shard={"index": victim, "count": 4}, max_concurrency=8))

    for index, result in results.items():
        assert not result.get("failed"), result.get("msg")
        assert sorted(r["pod"] for r in result["results"]) == sorted(n for n, s in expected.items() if s == index)
        assert all(r["status"]["state"] == "terminated" for r in result["results"])
    # The re-run finds what the killed run wrote and writes only the rest.
    assert sorted(r["pod"] for r in rerun["results"] if not r["created"]) == sorted(written_by_killed)
    assert ephemeral_counts(core, ns, LABEL) == {n: 1 for n in names}
    assert writes_per_pod(audit, ns) == {n: 1 for n in names}, "a pod was written twice or not at all"


def test_a_shards_inventory_run_with_forks_4_covers_the_fleet_once(cluster, ns, audit_of, tmp_path):
    core = cluster.core()
    names = create_fleet(core, ns, 24, LABEL)
    inventory = shards_inventory(tmp_path, 4, qps_total=40)
    audit = audit_of(cluster)
    proc = run_over(PLAYBOOKS / "debug_pod.yml", inventory, {
        "debug_pod_namespace": ns, "debug_pod_label_selectors": [LABEL], "debug_pod_image": IMAGES["tools"],
        "debug_pod_command": ["ps"], "debug_pod_target": "app", "debug_pod_kubeconfig": str(cluster.kubeconfig),
    }, "--forks", "4")
    assert proc.returncode == 0, proc.stdout[-5000:] + proc.stderr[-2000:]
    hosts = recaps(proc)
    assert sorted(hosts) == ["kubedebug-shard-%d" % i for i in range(4)], proc.stdout[-3000:]
    assert all(counts["failed"] == 0 and counts["ok"] >= 2 for counts in hosts.values()), hosts
    assert "localhost" not in hosts
    assert ephemeral_counts(core, ns, LABEL) == {n: 1 for n in names}
    assert writes_per_pod(audit, ns) == {n: 1 for n in names}
    # Each host printed the pods of its own shard.
    expected = shards_of(core, ns, 4)
    for name, shard in expected.items():
        assert f"[kubedebug-shard-{shard}] => (item={ns}/{name})" in proc.stdout, name

    again = run_over(PLAYBOOKS / "debug_pod.yml", inventory, {
        "debug_pod_namespace": ns, "debug_pod_label_selectors": [LABEL], "debug_pod_image": IMAGES["tools"],
        "debug_pod_command": ["ps"], "debug_pod_target": "app", "debug_pod_kubeconfig": str(cluster.kubeconfig),
    }, "--forks", "4")
    assert again.returncode == 0 and all(c["changed"] == 0 for c in recaps(again).values()), again.stdout[-3000:]


def test_awx_job_variables_name_every_slices_containers_and_artifacts_alike(cluster, ns, tmp_path):
    """Two slices of one sliced job: each its own job id, one workflow job id, one shard host each."""
    core = cluster.core()
    names = create_fleet(core, ns, 8, LABEL)
    inventory = shards_inventory(tmp_path, 2)
    artifacts = tmp_path / "artifacts"
    variables = {
        "diagnostics_artifacts_dir": str(artifacts), "diagnostics_process_list_image": IMAGES["tools"],
        "diagnostics_connection": {"kubeconfig": str(cluster.kubeconfig)}, "diagnostics_wait_timeout": 90,
        "diagnostics_targets": [{"namespace": ns, "label_selector": LABEL, "container": "app", "recipe": "process_list"}],
        "awx_workflow_job_id": 500, "tower_workflow_job_id": 500,
    }
    for host, job in (("kubedebug-shard-0", 501), ("kubedebug-shard-1", 502)):
        proc = run_over("kubedebug.ephemeral.diagnose", inventory, {**variables, "awx_job_id": job, "tower_job_id": job},
                        "--limit", host)
        assert proc.returncode == 0, proc.stdout[-5000:] + proc.stderr[-2000:]
    pods = {p.metadata.name: [c.name for c in p.spec.ephemeral_containers or []]
            for p in core.list_namespaced_pod(ns, label_selector=LABEL).items}
    assert pods == {n: ["ps-awx-w500"] for n in names}
    summaries = {d.name: json.loads((d / "summary.json").read_text()) for d in artifacts.iterdir() if d.is_dir()}
    assert sorted(summaries) == ["awx-w500-shard-0-of-2", "awx-w500-shard-1-of-2"]
    covered = sorted(p["pod"] for s in summaries.values() for p in s["pods"])
    assert covered == names
    for run, summary in summaries.items():
        assert summary["run_id"] == run and summary["status"] == "ok", summary["message"]
        assert summary["settings"]["shard"]["count"] == 2


def test_bad_shards_are_refused_by_every_module_the_role_and_the_inventory_with_nothing_written(cluster, ns, audit_of, tmp_path):
    create_fleet(cluster.core(), ns, 3, LABEL)
    audit = audit_of(cluster)
    bad = [({"index": 4, "count": 4}, "shard.index: 4 is out of range for count 4"),
           ({"index": -1, "count": 4}, "shard.index: -1 is out of range"),
           ({"index": 0, "count": 0}, "shard.count: 0 is out of range"),
           ({}, "shard: an empty mapping is not a shard")]
    select = {"namespace": ns, "label_selectors": [LABEL]}
    for module, base in ((EC, ec_play_args(cluster, ns)), (INFO, select), (CLEANUP, dict(select, min_ephemeral_containers=1))):
        results = run_tasks(module, [dict(base, shard=shard) for shard, _message in bad], kubeconfig=cluster.kubeconfig)
        for result, (_shard, message) in zip(results, bad):
            assert result.get("failed") and message in result["msg"], (module, result.get("msg"))
    role = run_over("kubedebug.ephemeral.diagnose", "localhost,", {
        "ansible_python_interpreter": sys.executable, "diagnostics_shard": {"index": 2, "count": 2},
        "diagnostics_artifacts_dir": str(tmp_path / "artifacts"), "diagnostics_connection": {"kubeconfig": str(cluster.kubeconfig)},
        "diagnostics_targets": [{"namespace": ns, "label_selector": LABEL, "container": "app", "recipe": "process_list"}]})
    assert role.returncode != 0 and "diagnostics_shard.index: 2 is out of range for count 2" in role.stdout, role.stdout[-3000:]
    zero = shards_inventory(tmp_path, 0)
    refused = run_over(PLAYBOOKS / "debug_pod.yml", zero, {"debug_pod_namespace": ns, "debug_pod_label_selectors": [LABEL]})
    assert refused.returncode != 0 and "count: 0 is out of range" in refused.stdout + refused.stderr
    assert audit.attempts(ns) == [], "a bad shard reached the API with a write"
    assert not (tmp_path / "artifacts").exists()
