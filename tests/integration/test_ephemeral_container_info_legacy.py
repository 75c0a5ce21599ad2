"""ephemeral_container_info on the legacy era (Kubernetes 1.21), gate on and off."""

from __future__ import annotations

import pytest

from support.ephemeral import delete_namespace, ephemeral_specs, ephemeral_status, info_spec, raw_pod, run_ec, run_info
from support.pods import IMAGES, create_and_wait, tools_pod

pytestmark = pytest.mark.legacy

TOOLS = IMAGES["tools"]


def test_view_matches_the_api_with_the_gate_on(legacy_gate_on, namespace_in, audit_of):
    cluster = legacy_gate_on
    ns = namespace_in(cluster, "ecl-info")
    try:
        create_and_wait(cluster.core(), ns, tools_pod("web"))
        create_and_wait(cluster.core(), ns, tools_pod("plain"))
        made = run_ec(cluster, {"namespace": ns, "pod": "web", "name": "oneshot", "image": TOOLS,
                                "command": ["sh", "-c", "echo hello; exit 1"], "wait": True,
                                "wait_for": "terminated"})
        assert not made.get("failed"), made.get("msg")
        audit = audit_of(cluster)
        result = run_info(cluster, {"namespace": ns, "logs": True, "results_detail": "full"})  # info_spec: the whole spec
        assert result["changed"] is False
        server = result["server"]
        assert server["api_era"] == "ephemeral_containers" and server["subresource_enabled"] is True
        assert server["git_version"].startswith("v1.21.") and (server["major"], server["minor"]) == (1, 21)
        assert [(p["pod"], p["ephemeral_container_count"]) for p in result["pods"]] == [("plain", 0), ("web", 1)]
        (entry,) = result["pods"][1]["ephemeral_containers"]
        raw = raw_pod(cluster, ns, "web")
        assert info_spec(entry) == ephemeral_specs(raw)[0]
        assert entry["status"]["exit_code"] == 1
        assert entry["status"]["finished_at"] == ephemeral_status(raw, "oneshot")["state"]["terminated"]["finishedAt"]
        assert entry["logs"] == "hello\n"
        assert audit.attempts(ns) == []
    finally:
        delete_namespace(cluster, ns)


def test_gate_off_is_reported_and_pods_are_still_listed(legacy_gate_off, namespace_in):
    cluster = legacy_gate_off
    ns = namespace_in(cluster, "ecl-info-off")
    try:
        create_and_wait(cluster.core(), ns, tools_pod("web"))
        result = run_info(cluster, {"namespace": ns})
        assert not result.get("failed"), result.get("msg")
        assert result["server"]["api_era"] == "unsupported"
        assert result["server"]["subresource_enabled"] is False
        assert [(p["pod"], p["ephemeral_container_count"]) for p in result["pods"]] == [("web", 0)]
    finally:
        delete_namespace(cluster, ns)
