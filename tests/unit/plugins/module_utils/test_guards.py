# -*- coding: utf-8 -*-
# Copyright (c) kubedebug.ephemeral contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The guards' arithmetic and decisions (pure): quantities, headroom, the liveness budget, terminating pods,
overrides, and the cgroup probe's output; the readings' requests (one metrics list, no probe in check mode)."""

from __future__ import annotations

import pytest

from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api import guards as _guards
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api.quantity import MIB, mib, parse_bytes
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._api.era import ERA_POD
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._cluster import logs as _logs
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._cluster import watch as _watch
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._cluster import write as _write
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._core import rest as _rest
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._inject import guards as _inject_guards
from ansible_collections.kubedebug.ephemeral.plugins.module_utils._inject.guards import PROBE_SCRIPT, probe_container, probe_name
from ansible_collections.kubedebug.ephemeral.tests.unit.plugins.module_utils.recorder import Recorder, api_error
from ansible_collections.kubedebug.ephemeral.tests.unit.pod_factories import APP, pod

Needs = _guards.Needs
Reading = _guards.MemoryReading


def app(limit: str | None = "256Mi", period: int | None = None, threshold: int | None = None, probe: bool = False) -> dict:
    container = dict(APP)
    if limit:
        container["resources"] = {"limits": {"memory": limit}}
    if probe or period or threshold:
        container["livenessProbe"] = {k: v for k, v in (("periodSeconds", period), ("failureThreshold", threshold)) if v}
        container["livenessProbe"]["httpGet"] = {"path": "/", "port": 8080}
    return container


@pytest.mark.parametrize("text, expected", [
    ("256Mi", 256 * MIB), ("1Gi", 1024 * MIB), ("1.5Gi", 1536 * MIB), ("128974848", 128974848), ("129e6", 129000000),
    ("129M", 129000000), ("100k", 100000), ("500m", 1), ("1Ki", 1024), (134217728, 134217728),
])
def test_memory_quantities_in_bytes(text, expected):
    assert parse_bytes(text) == expected


@pytest.mark.parametrize("text", ["", "12 Mi", "Mi", "1.2.3", None, True, "1Xi"])
def test_what_is_not_a_quantity(text):
    assert parse_bytes(text) is None


def test_mib_for_messages():
    assert mib(5 * MIB + MIB // 2) == "5.5 MiB" and mib(300 * MIB) == "300 MiB" and mib(None) == "unknown"


def test_enough_headroom_passes_and_reports_the_figures():
    report = _guards.evaluate(pod(containers=[app("256Mi")]), "app", Needs(memory_mib=64), Reading(_guards.METRICS, 100 * MIB))
    assert report.skip_reason is None
    assert report.memory["headroom_bytes"] == 156 * MIB and report.memory["limit_bytes"] == 256 * MIB
    assert report.memory["source"] == "metrics" and report.container == "app"


def test_too_little_headroom_skips_with_the_arithmetic_in_the_reason():
    report = _guards.evaluate(pod(containers=[app("256Mi")]), "app", Needs(memory_mib=200), Reading(_guards.CGROUP, 100 * MIB))
    assert report.skip_reason.startswith(
        "memory guard: the capture needs 200 MiB but container app has 156 MiB of headroom (limit 256 MiB minus working "
        "set 100 MiB, from the container's cgroup)")
    assert report.skip_reason.endswith("set guard_override: [memory] to capture anyway")


def test_headroom_equal_to_the_need_is_not_enough():
    report = _guards.evaluate(pod(containers=[app("256Mi")]), "app", Needs(memory_mib=156), Reading(_guards.CGROUP, 100 * MIB))
    assert report.skip_reason is not None


def test_no_memory_limit_passes_without_a_reading():
    report = _guards.evaluate(pod(containers=[app(None)]), "app", Needs(memory_mib=10_000), Reading())
    assert report.skip_reason is None and report.memory["source"] == "no limit"


def test_an_unknown_headroom_skips_but_not_in_check_mode_without_a_probe_written():
    needs = Needs(memory_mib=64)
    why = Reading(why="the metrics API (metrics.k8s.io) is not served")
    report = _guards.evaluate(pod(containers=[app()]), "app", needs, why)
    assert "the headroom of container app is unknown (the metrics API (metrics.k8s.io) is not served)" in report.skip_reason
    assert _guards.evaluate(pod(containers=[app()]), "app", needs, why, measure=False).skip_reason is None


def test_several_containers_without_a_target_make_the_headroom_unknown():
    containers = [app(), dict(app(), name="sidecar")]
    report = _guards.evaluate(pod(containers=containers), None, Needs(memory_mib=1), Reading())
    assert "several containers and no target" in report.skip_reason
    # The pod's only container is the one guarded when no target is given.
    assert _guards.evaluate(pod(containers=[app()]), None, Needs(memory_mib=1), Reading(_guards.METRICS, 0)).container == "app"


@pytest.mark.parametrize("period, threshold, budget", [(None, None, 30), (2, 2, 4), (10, 1, 10), (5, None, 15)])
def test_liveness_budget_is_period_times_failure_threshold_with_the_kubelet_defaults(period, threshold, budget):
    found = _guards.liveness_budget(pod(containers=[app(period=period, threshold=threshold, probe=True)]), "app")
    assert found["budget_seconds"] == budget


def test_a_pause_as_long_as_the_budget_skips_and_a_shorter_one_passes():
    tight = pod(containers=[app(period=2, threshold=2)])
    report = _guards.evaluate(tight, "app", Needs(pause_seconds=4), Reading())
    assert report.skip_reason.startswith(
        "liveness guard: the capture may pause container app for 4 s, and its liveness probe restarts it after 4 s of "
        "failures (periodSeconds 2 x failureThreshold 2)")
    assert _guards.evaluate(tight, "app", Needs(pause_seconds=3), Reading()).skip_reason is None


def test_no_liveness_probe_passes():
    report = _guards.evaluate(pod(containers=[app()]), "app", Needs(pause_seconds=600), Reading())
    assert report.skip_reason is None and report.liveness["probe"] is False


def test_override_lets_the_capture_run_and_names_the_guard():
    tight = pod(containers=[app("64Mi", period=1, threshold=1)])
    needs = Needs(memory_mib=512, pause_seconds=30, override=frozenset({"memory", "liveness"}))
    report = _guards.evaluate(tight, "app", needs, Reading(_guards.METRICS, 60 * MIB))
    assert report.skip_reason is None and report.overridden == ["memory", "liveness"]
    only_memory = Needs(memory_mib=512, pause_seconds=30, override=frozenset({"memory"}))
    report = _guards.evaluate(tight, "app", only_memory, Reading(_guards.METRICS, 60 * MIB))
    assert report.skip_reason.startswith("liveness guard:") and report.overridden == ["memory"]


def test_a_terminating_pod_is_skipped_even_with_every_guard_overridden():
    needs = Needs(pause_seconds=1, override=frozenset({"memory", "liveness"}))
    report = _guards.evaluate(pod(containers=[app()], terminating=True), "app", needs, Reading())
    assert report.terminating and report.skip_reason == "the pod is terminating"


@pytest.mark.parametrize("text, expected", [
    ("usage 157286400\ninactive_file 52428800\n", 100 * MIB),  # cgroup v2
    ("usage 157286400\ntotal_inactive_file 52428800\n", 100 * MIB),  # cgroup v1
    ("usage 1000\ninactive_file 5000\n", 0),
    ("kubedebug: no cgroup memory files\n", None),
    (None, None),
])
def test_working_set_from_the_probe_output(text, expected):
    assert _guards.working_set_from_cgroup(text) == expected


def test_the_probe_container_reads_the_targets_cgroup_with_ptrace_rights():
    container = probe_container({"guard_probe_image": "busybox:1.36"}, "app", "heap-dump-20261207t0700z")
    assert container["name"] == "mem-heap-dump-20261207t0700z" and container["targetContainerName"] == "app"
    assert container["command"] == ["sh", "-c", PROBE_SCRIPT]
    assert "SYS_PTRACE" in container["securityContext"]["capabilities"]["add"]
    assert len(probe_name("x" * 63)) == 63


def _evaluate(monkeypatch, metrics_answer, check_mode: bool):
    recorder = Recorder(metrics_answer)
    monkeypatch.setattr(_rest, "request_json", recorder)
    target = pod(containers=[app("256Mi")])
    params = {"guard_memory_mib": 64, "guard_probe_image": "busybox:1.36", "target": "app"}
    reports = _inject_guards.evaluate(None, ERA_POD, params, {("shop", "web"): target}, {("shop", "web"): "heap-dump-r1"}, check_mode)
    return recorder, reports[("shop", "web")]


def test_one_metrics_list_per_namespace_gives_the_reading(monkeypatch):
    listing = {"items": [{"metadata": {"name": "web", "namespace": "shop"},
                          "containers": [{"name": "app", "usage": {"cpu": "3m", "memory": "102400Ki"}}]}]}
    recorder, report = _evaluate(monkeypatch, listing, check_mode=False)
    assert [(method, path) for method, path, _body in recorder.calls] == [("GET", "/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods")]
    assert report.memory["source"] == "metrics" and report.memory["headroom_bytes"] == 156 * MIB and report.skip_reason is None


def test_check_mode_writes_no_probe_and_an_unknown_headroom_does_not_skip(monkeypatch):
    recorder, report = _evaluate(monkeypatch, api_error(404, "the server could not find the requested resource"), check_mode=True)
    assert [m for m, _p, _k in recorder.calls] == ["GET"]  # the metrics list only: no probe written
    assert report.skip_reason is None
    assert report.memory["unknown_because"] == ("the metrics API (metrics.k8s.io) is not served; install metrics-server for it; "
                                                "check mode writes no probe container")


def test_no_guard_option_means_no_request(monkeypatch):
    recorder = Recorder()
    monkeypatch.setattr(_rest, "request_json", recorder)
    assert _inject_guards.evaluate(None, ERA_POD, {"target": "app"}, {("shop", "web"): pod()}, {("shop", "web"): "x"}, False) == {}
    assert recorder.calls == []


def test_without_the_metrics_api_the_probe_is_written_and_its_cgroup_reading_used(monkeypatch):
    """The probe path end to end in the module's code: metrics 404, the probe added, waited for, its log read."""
    monkeypatch.setattr(_rest, "request_json", Recorder(api_error(404, "the server could not find the requested resource")))
    written = []
    monkeypatch.setattr(_write, "add_container",
                        lambda _c, _e, ns, name, spec, _before, field_manager=None: written.append((ns, name, spec["name"])))
    monkeypatch.setattr(_watch, "wait_for_containers", lambda *args, **kwargs: None)
    monkeypatch.setattr(_logs, "read_logs", lambda *args, **kwargs: "usage 157286400\ninactive_file 52428800\n")
    params = {"guard_memory_mib": 256, "guard_probe_image": "busybox:1.36", "target": "app"}
    reports = _inject_guards.evaluate(None, ERA_POD, params, {("shop", "web"): pod(containers=[app("192Mi")])},
                                      {("shop", "web"): "heap-dump-r1"}, False)
    report = reports[("shop", "web")]
    assert written == [("shop", "web", "mem-heap-dump-r1")]
    assert report.memory["source"] == "cgroup" and report.memory["working_set_bytes"] == 100 * MIB
    assert report.skip_reason.startswith("memory guard: the capture needs 256 MiB but container app has 92 MiB")
