"""The scale bed (kwok nodes, real control plane) and ephemeral_container on a fleet there: a small smoke
of what `make bench-fleet` and `make bench-shards` measure.

Every claim is checked against the API (containers per pod) and the apiserver's audit log (which
requests the module sent, which writes were carried out)."""

from __future__ import annotations

import sys

from support.ansible import REPO
from support.ephemeral import run_ec, succeeded
from support.fleet import LABEL, MODULE_AGENT, by_verb, client_requests, create_fleet, ephemeral_counts, fleet_task

CLUSTER = "scale_cluster"


def test_scale_bed_nodes_are_kwok_on_loopback(cluster):
    nodes = cluster.core().list_node(label_selector="type=kwok").items
    assert len(nodes) >= 5
    for node in nodes:
        assert {a.type: a.address for a in node.status.addresses}["InternalIP"] == "127.0.0.1"
        assert any(c.type == "Ready" and c.status == "True" for c in node.status.conditions)


def test_twenty_pods_one_write_each_logs_from_kwok_and_a_rerun_writes_nothing(cluster, ns, audit_of):
    core = cluster.core()
    names = create_fleet(core, ns, 20, LABEL)
    pods = core.list_namespaced_pod(ns, label_selector=LABEL).items
    assert all(p.status.pod_ip.startswith("127.") and p.status.host_ip == "127.0.0.1" for p in pods)
    audit = audit_of(cluster)

    result = run_ec(cluster, fleet_task(ns, max_concurrency=8))
    assert not result.get("failed"), result.get("msg")
    assert result["changed"] is True and sorted(r["pod"] for r in result["results"]) == names
    for entry in result["results"]:
        assert entry["created"] and entry["status"]["state"] == "terminated" and entry["status"]["exit_code"] == 0
        assert "PID" in entry["logs"], entry  # kwok serves the logs of simulated containers
    assert ephemeral_counts(core, ns, LABEL) == {n: 1 for n in names}
    assert len(succeeded(audit.ephemeral_writes(ns))) == 20
    sent = by_verb(client_requests(cluster.audit_log, audit.offset, MODULE_AGENT, ns))
    assert sent.get("patch pods/ephemeralcontainers") == 20 and sent.get("get pods/log") == 20
    assert sent.get("list pods") == 1 and sent.get("watch pods") == 1, sent
    inject_and_wait = sum(sent.values()) - sent["get pods/log"]
    assert inject_and_wait <= 3 * 20, sent

    audit.mark()
    again = run_ec(cluster, fleet_task(ns, max_concurrency=8))
    assert again["changed"] is False and not again.get("failed"), again.get("msg")
    assert audit.attempts(ns) == [], "the re-run sent a write"
    assert ephemeral_counts(core, ns, LABEL) == {n: 1 for n in names}


def test_bench_shards_smoke_one_process_and_a_killed_and_rerun_shard(cluster, ns, tmp_path):
    """`make bench-shards` in small: 40 pods as one ansible-runner process, then as 2 shards of which one is killed
    once the shards have written half the pods and run again; each run gives every pod exactly one container."""
    names = create_fleet(cluster.core(), ns, 40, LABEL)
    sys.path.insert(0, str(REPO / "tests" / "benchmark"))
    # A script's module, on the path just above.
    import bench_shards  # pylint: disable=import-outside-toplevel

    for count, kill_one in ((1, False), (2, True)):
        run = bench_shards.run_config(tmp_path, ns, names, count, kill_one)
        assert run["ok"], run
        assert run["checks"]["every_pod_got_one_container"] and run["checks"]["pods_written_twice"] == 0
        assert sum(p["pods"] for p in run["processes"]) == 40
        assert all(p["module_peak_rss_mib"] and p["timings"] for p in run["processes"]), run["processes"]
        assert run["module_requests"].get("patch pods/ephemeralcontainers", 0) >= run["checks"]["writes"]
        assert 0 < run["cpu"]["machine_busy_share"] <= 1
    assert ephemeral_counts(cluster.core(), ns, LABEL) == {n: 2 for n in names}
