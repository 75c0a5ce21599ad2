"""Capture guards on the test bed's current era: a JVM with too little memory headroom and one whose liveness probe
would restart it during the pause are each skipped with the reason, nothing is captured there, and overriding the
guards captures both (a heap dump, compressed and copied out). The bed has no metrics API, so the headroom comes from
the cgroup probe container. Bad guard settings stop the run before anything is written."""

from __future__ import annotations

import gzip

import pytest

from support.diagnostics import diagnose, ok, pod_entry, recap, summary
from support.ephemeral import ephemeral_names, raw_pod, run_ec
from support.incident import guarded_java_pod, serve_pod_metrics, set_pod_metrics, stop_serving_pod_metrics, tools_image
from support.pods import create_and_wait

GROUP = {"label_selector": "app=guarded", "container": "app", "recipe": "jvm_heap_dump"}


def _pods(cluster, ns) -> None:
    core = cluster.core()
    # 192Mi leaves the JVM about 100 MiB, less than the 256 MiB a heap dump declares; the second pod has room, but a
    # probe that restarts it after 2 s x 2 failures, less than the heap dump's 30 s pause.
    create_and_wait(core, ns, guarded_java_pod("tight-memory", {"app": "guarded"}, "192Mi"))
    create_and_wait(core, ns, guarded_java_pod("tight-liveness", {"app": "guarded"}, "1Gi",
                                               {"periodSeconds": 2, "failureThreshold": 2}))


def test_bad_guard_settings_stop_before_anything_is_written(cluster, ns, tmp_path):
    create_and_wait(cluster.core(), ns, guarded_java_pod("tight-memory", {"app": "guarded"}, "192Mi"))
    proc, artifacts = diagnose(cluster, tmp_path, [dict(GROUP, namespace=ns, needs={"memory_mib": -1})], run_id="bad1",
                               diagnostics_guard_probe_image="", diagnostics_guard_override=["memroy"])
    assert proc.returncode != 0
    for words in ("diagnostics_targets[0]: needs.memory_mib: -1 is out of range; use 0 to 1048576",
                  "diagnostics_guard_probe_image: an empty value is not an image",
                  "diagnostics_guard_override must be a list of guards to ignore"):
        assert words in proc.stdout, proc.stdout[-3000:]
    assert not (artifacts / "bad1").exists()
    # The module refuses the same mistakes by option name, before any request.
    result = run_ec(cluster, {"namespace": ns, "label_selectors": ["app=guarded"], "image": tools_image(), "target": "app",
                              "command": ["true"], "guard_memory_mib": -1, "guard_probe_image": ""})
    assert result["failed"]
    assert "guard_memory_mib: -1 is out of range; use 0 to 1048576" in result["msg"]
    assert "guard_probe_image: an empty string cannot be told apart from leaving guard_probe_image out" in result["msg"]
    assert ephemeral_names(raw_pod(cluster, ns, "tight-memory")) == []


@pytest.mark.incident
def test_heap_dump_guards_read_the_cgroup_skip_with_the_reason_and_override_captures(cluster, ns, tmp_path):
    _pods(cluster, ns)
    variables = {"diagnostics_guard_probe_image": tools_image(), "diagnostics_wait_timeout": 120, "diagnostics_timeout": 240}
    proc, artifacts = diagnose(cluster, tmp_path, [dict(GROUP, namespace=ns)], run_id="g1", **variables)
    ok(proc)
    data = summary(artifacts, "g1")
    memory = pod_entry(data, "tight-memory")
    assert memory["outcome"] == "skipped"
    assert memory["reason"].startswith("memory guard: the capture needs 256 MiB but container app has "), memory["reason"]
    assert "from the container's cgroup" in memory["reason"] and "set guard_override: [memory]" in memory["reason"]
    figures = memory["guards"]["memory"]
    assert figures["source"] == "cgroup" and figures["limit_bytes"] == 192 * 1024 * 1024
    assert 0 < figures["working_set_bytes"] < figures["limit_bytes"]
    assert figures["headroom_bytes"] == figures["limit_bytes"] - figures["working_set_bytes"]
    liveness = pod_entry(data, "tight-liveness")
    assert liveness["outcome"] == "skipped"
    assert ("liveness guard: the capture may pause container app for 30 s, and its liveness probe restarts it after 4 s "
            "of failures (periodSeconds 2 x failureThreshold 2)") in liveness["reason"]
    assert liveness["guards"]["memory"]["headroom_bytes"] > 256 * 1024 * 1024
    report = (artifacts / "g1" / "report.md").read_text()
    assert "## Guards and isolation" in report and "budget 4 s, pause 30 s" in report
    # Only the probe was added: no heap dump ran in either pod, and neither JVM restarted.
    for name in ("tight-memory", "tight-liveness"):
        pod = raw_pod(cluster, ns, name)
        assert ephemeral_names(pod) == ["mem-heap-dump-g1"]
        assert pod["status"]["containerStatuses"][0]["restartCount"] == 0

    proc, artifacts = diagnose(cluster, tmp_path, [dict(GROUP, namespace=ns)], run_id="g2",
                               diagnostics_guard_override=["memory", "liveness"], **variables)
    ok(proc)
    data = summary(artifacts, "g2")
    for name, guard in (("tight-memory", "memory"), ("tight-liveness", "liveness")):
        entry = pod_entry(data, name)
        assert entry["outcome"] == "ok", entry
        assert entry["guards"]["overridden"] == [guard]
        dump = artifacts / "g2" / ns / name / "heap-dump-g2.hprof.gz"
        assert gzip.decompress(dump.read_bytes()).startswith(b"JAVA PROFILE 1.0.2"), name
        print(f"heap dump of {name}: {dump.stat().st_size} bytes compressed")  # noqa: T201
        assert raw_pod(cluster, ns, name)["status"]["containerStatuses"][0]["restartCount"] == 0

    # The same run id again: the probes and the skips are found as they are; nothing is written.
    proc = diagnose(cluster, tmp_path, [dict(GROUP, namespace=ns)], run_id="g1", **variables)[0]
    ok(proc)
    assert recap(proc)["changed"] == 0, proc.stdout[-3000:]
    assert ephemeral_names(raw_pod(cluster, ns, "tight-memory")) == ["mem-heap-dump-g1", "mem-heap-dump-g2", "heap-dump-g2"]


def test_headroom_from_the_metrics_api_and_the_liveness_budget_skip_and_override_captures(cluster, ns):
    create_and_wait(cluster.core(), ns, guarded_java_pod("metered", {"app": "metered"}, "192Mi",
                                                         {"periodSeconds": 2, "failureThreshold": 2}))
    args = {"namespace": ns, "pod": "metered", "image": tools_image(), "target": "app", "command": ["true"],
            "guard_memory_mib": 64, "guard_pause_seconds": 10, "guard_probe_image": tools_image()}
    serve_pod_metrics(cluster)
    try:
        set_pod_metrics(cluster, ns, "metered", "app", "150Mi")
        skipped = run_ec(cluster, dict(args, name="first"))
        entry = skipped["results"][0]
        assert not skipped["changed"] and entry["skipped"], skipped
        assert entry["skip_reason"] == (
            "memory guard: the capture needs 64 MiB but container app has 42 MiB of headroom (limit 192 MiB minus working "
            "set 150 MiB, from the metrics API); liveness guard: the capture may pause container app for 10 s, and its "
            "liveness probe restarts it after 4 s of failures (periodSeconds 2 x failureThreshold 2); set guard_override: "
            "[memory, liveness] to capture anyway")
        set_pod_metrics(cluster, ns, "metered", "app", "100Mi")
        still = run_ec(cluster, dict(args, name="second"))
        assert still["results"][0]["skip_reason"].startswith("liveness guard:"), still
        added = run_ec(cluster, dict(args, name="second", guard_override=["liveness"]))
        entry = added["results"][0]
        assert added["changed"] and entry["created"], added
        assert entry["guards"]["overridden"] == ["liveness"]
        assert entry["guards"]["memory"]["source"] == "metrics" and entry["guards"]["memory"]["headroom_bytes"] == 92 * 1024 * 1024
        again = run_ec(cluster, dict(args, name="second", guard_override=["liveness"]), check=True)
        assert not again["changed"] and again["results"][0]["guards"] is None  # it exists: not guarded again
    finally:
        stop_serving_pod_metrics(cluster)
    # With the metrics API no probe container was needed.
    assert ephemeral_names(raw_pod(cluster, ns, "metered")) == ["second"]
