"""Shards at 1,000 pods on the scale bed: the size of a task's result (bytes of JSON, as Ansible registers it and AWX
stores it) with compact entries and logs cut by default, with full entries, with logs cut short and left out, and
one process against 4 shards run with forks: 4 over the shards inventory, each pod written exactly once. Marked
shards_scale: `make test-shards-scale` runs it, not `make test` (about 5 minutes).

The figures are printed (pytest -s) and written to tests/output/shards-figures.json for docs/diagnostics.md."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
import yaml

from support.ansible import REPO, run_module
from support.ephemeral import EC
from support.fleet import LABEL, create_fleet
from support.shards import ec_play_args, recaps, run_over, shards_inventory, writes_per_pod

pytestmark = pytest.mark.shards_scale
CLUSTER = "scale_cluster"
PODS = 1000
FIGURES = REPO / "tests" / "output" / "shards-figures.json"


def registered_size(result: dict) -> int:
    """Bytes of the registered result as JSON (what AWX keeps per task), without the test's own keys."""
    return len(json.dumps({k: v for k, v in result.items() if not k.startswith("_")}).encode("utf-8"))


def timed_task(cluster, ns: str, **args) -> tuple[dict, float]:
    started = time.monotonic()
    result = run_module(EC, ec_play_args(cluster, ns, max_concurrency=32, wait_timeout=600, **args))
    return result, time.monotonic() - started


def test_result_size_and_shards_at_1000_pods(cluster, ns, audit_of, tmp_path):
    core = cluster.core()
    names = create_fleet(core, ns, PODS, LABEL, timeout=900)
    figures: dict = {"pods": PODS}
    audit = audit_of(cluster)

    first, figures["one_process_seconds"] = timed_task(cluster, ns)
    assert not first.get("failed"), first.get("msg")
    assert sorted(r["pod"] for r in first["results"] if r["created"]) == names
    assert writes_per_pod(audit, ns) == {n: 1 for n in names}
    figures["result_bytes_default"] = registered_size(first)
    log_bytes = [len(r["logs"].encode()) for r in first["results"]]
    figures["log_bytes_per_pod"] = max(log_bytes)
    assert not any(r["logs_truncated"] for r in first["results"]) and max(log_bytes) <= 65536

    # Re-runs (nothing to write or wait for), with logs cut short and with none.
    cut, figures["rerun_seconds_logs_16"] = timed_task(cluster, ns, logs_limit_bytes=16)
    assert cut["changed"] is False and all(r["logs_truncated"] and len(r["logs"]) <= 16 for r in cut["results"])
    figures["result_bytes_logs_16"] = registered_size(cut)
    bare, figures["rerun_seconds_no_logs"] = timed_task(cluster, ns, logs=False)
    figures["result_bytes_no_logs"] = registered_size(bare)
    assert figures["result_bytes_no_logs"] < figures["result_bytes_logs_16"] < figures["result_bytes_default"]
    figures["result_bytes_per_pod_default"] = round(figures["result_bytes_default"] / PODS)

    # Selectors give compact entries by default; results_detail=full is the former default (spec and annotation).
    assert all("spec" not in r and "annotation" not in r and "image_id" not in r["status"] for r in first["results"])
    full, figures["rerun_seconds_full"] = timed_task(cluster, ns, results_detail="full")
    assert full["changed"] is False and all(r["spec"]["name"] == r["container"] for r in full["results"])
    figures["result_bytes_full"] = registered_size(full)
    figures["result_bytes_per_pod_full"] = round(figures["result_bytes_full"] / PODS)
    # The spec alone is a few hundred bytes a pod: compact must save at least that.
    spec_bytes = min(len(json.dumps(r["spec"])) for r in full["results"])
    assert figures["result_bytes_full"] - figures["result_bytes_default"] >= PODS * spec_bytes

    # The same work again (a new run id: a second container in every pod) as 4 shards at once, 8 writes in flight
    # each: as many as the one process had.
    audit.mark()
    playbook = tmp_path / "shards.yml"
    playbook.write_text(yaml.safe_dump([{"hosts": "kubedebug_shards", "gather_facts": False, "tasks": [{
        "name": "one shard", EC: {**ec_play_args(cluster, ns, max_concurrency=8, wait_timeout=600, run_id="four"),
                                  "shard": "{{ kubedebug_shard }}"}}]}]))
    proc = run_over(playbook, shards_inventory(tmp_path, 4), {}, "--forks", "4", timeout=1200)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert sorted(recaps(proc)) == ["kubedebug-shard-%d" % i for i in range(4)]
    assert writes_per_pod(audit, ns) == {n: 1 for n in names}
    figures["four_shards_forks_4_seconds"] = round(proc.elapsed, 1)  # type: ignore[attr-defined]
    for key in ("one_process_seconds", "rerun_seconds_logs_16", "rerun_seconds_no_logs", "rerun_seconds_full"):
        figures[key] = round(figures[key], 1)

    print(json.dumps(figures, indent=2))  # noqa: T201  (the figures for docs/diagnostics.md; shown with -s)
    Path(FIGURES).parent.mkdir(parents=True, exist_ok=True)
    Path(FIGURES).write_text(json.dumps(figures, indent=2) + "\n")
