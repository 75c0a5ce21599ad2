"""Audit trail on the legacy era (1.21, gate on): what that era records about who added an
ephemeral container. The fieldManager is sent and accepted, the pod keeps managedFields for its other
writers, but writes through the ephemeralcontainers subresource get no managedFields entry (ours and
kubectl's alike), so added_by is null there; the annotate record is the trail that era keeps."""

from __future__ import annotations

import json

import pytest

from support.ephemeral import run_ec, run_info
from support.pods import IMAGES, create_and_wait, tools_pod

pytestmark = pytest.mark.legacy

TOOLS = IMAGES["tools"]
CLUSTER = "legacy_gate_on"  # see conftest.py


def _managed(cluster, ns):
    # kubectl 1.21 hides managedFields in -o json (--show-managed-fields=false), so read the API directly.
    answer = cluster.core().read_namespaced_pod("web", ns, _preload_content=False)
    return json.loads(answer.data)["metadata"].get("managedFields") or []


def test_what_1_21_records(cluster, ns, audit_of):
    create_and_wait(cluster.core(), ns, tools_pod("web"))
    audit = audit_of(cluster)
    assert not run_ec(cluster, {"namespace": ns, "pod": "web", "name": "ours", "image": TOOLS, "command": ["sleep", "600"]}).get("failed")
    writes = audit.writes(ns)
    assert writes and all("fieldManager=kubedebug.ephemeral" in e["requestURI"] for e in writes), writes
    cluster.kubectl("debug", "-n", ns, "web", f"--image={TOOLS}", "--container=by-kubectl", "--", "sleep", "600")
    managed = _managed(cluster, ns)
    assert {entry["manager"] for entry in managed} >= {"kubelet"}, managed
    assert "ephemeralContainers" not in json.dumps([entry.get("fieldsV1", {}).get("f:spec") for entry in managed])
    info = run_info(cluster, {"namespace": ns, "pod": "web"})
    found = {c["name"]: c["added_by"] for c in info["pods"][0]["ephemeral_containers"]}
    assert found == {"ours": None, "by-kubectl": None}
