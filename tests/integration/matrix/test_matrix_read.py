"""ephemeral_container_info and ephemeral_container_preflight on each minor's own kube-apiserver, the subresource
served and (1.16-1.24) not served; and ephemeral_container's error when the gate is off."""

from __future__ import annotations

import pytest

from support import matrix as support
from support.ephemeral import info_spec, run_ec, run_info
from support.lifecycle import run_preflight
from testbed import matrix

IMAGE = "kubedebug.local/busybox-tools:1"


def _server(result: dict, minor: int) -> dict:
    assert not result.get("failed"), result.get("msg")
    server = result["server"]
    assert server["git_version"] == matrix.VERSIONS[minor] and (server["major"], server["minor"]) == (1, minor)
    return server


def test_info_reads_the_pods_ephemeral_containers_and_the_era(minor, served, audit):
    ns = support.namespace(served, "mx-info")
    support.pending_pod(served, ns, "web")
    support.pending_pod(served, ns, "plain")
    assert run_ec(served, {"namespace": ns, "pod": "web", "name": "probe", "image": IMAGE,
                           "command": ["sleep", "300"]})["changed"] is True
    log = audit(served)
    result = run_info(served, {"namespace": ns, "results_detail": "full"})  # info_spec below: the whole spec
    server = _server(result, minor)
    assert server["api_era"] == support.expected_era(minor) and server["subresource_enabled"] is True
    assert [(p["pod"], p["ephemeral_container_count"]) for p in result["pods"]] == [("plain", 0), ("web", 1)]
    (entry,) = result["pods"][1]["ephemeral_containers"]
    (raw,) = support.raw_pod(served, ns, "web")["spec"]["ephemeralContainers"]
    assert info_spec(entry) == raw
    assert result["changed"] is False and log.attempts(ns) == []


def test_preflight_names_the_era_and_no_gate_problem(minor, served):
    ns = support.namespace(served, "mx-pre")
    support.pending_pod(served, ns)
    result = run_preflight(served, {"namespace": ns})
    server = _server(result, minor)
    assert server["api_era"] == support.expected_era(minor) and server["subresource_enabled"] is True
    assert not [p for p in result["problems"] if "feature gate" in p], result["problems"]
    assert [p["pod"] for p in result["pods"]] == ["web"]


@pytest.mark.minors(lambda minor: minor < support.GA_FROM)
def test_gate_off_info_and_preflight_name_the_gate(minor, gate_off):
    ns = support.namespace(gate_off, "mx-off-read")
    support.pending_pod(gate_off, ns)
    info = run_info(gate_off, {"namespace": ns})
    assert _server(info, minor)["api_era"] == "unsupported" and info["server"]["subresource_enabled"] is False
    assert [(p["pod"], p["ephemeral_container_count"]) for p in info["pods"]] == [("web", 0)]
    preflight = run_preflight(gate_off, {"namespace": ns})
    assert _server(preflight, minor)["api_era"] == "unsupported"
    assert preflight["ready"] is False
    (problem,) = [p for p in preflight["problems"] if p.startswith("the EphemeralContainers feature gate is off")]
    assert f"(server 1.{minor})" in problem, problem


@pytest.mark.minors(lambda minor: minor < support.GA_FROM)
def test_gate_off_ephemeral_container_fails_without_writing(minor, gate_off, audit):
    ns = support.namespace(gate_off, "mx-off")
    support.pending_pod(gate_off, ns)
    log = audit(gate_off)
    result = run_ec(gate_off, {"namespace": ns, "pod": "web", "image": IMAGE, "command": ["true"]})
    assert result.get("failed") is True and result["feature_gate_off"] is True
    assert result["msg"].startswith(f"Ephemeral containers are disabled on this cluster (server 1.{minor})"), result["msg"]
    assert "kube-apiserver AND every kubelet need --feature-gates=EphemeralContainers=true" in result["msg"]
    check = run_ec(gate_off, {"namespace": ns, "pod": "web", "image": IMAGE, "command": ["true"]}, check=True)
    assert check.get("failed") is True and check["msg"] == result["msg"]
    assert log.attempts(ns) == []
