"""ephemeral_container_preflight on the legacy era (1.21) with the gate off: the gate is named,
and kube-apiserver, a static pod in kube-system, is named as one."""

from __future__ import annotations

import pytest

from support.ephemeral import wait_for_pod
from support.lifecycle import run_preflight

pytestmark = pytest.mark.legacy

CLUSTER = "legacy_gate_off"  # see conftest.py


def test_gate_off_and_static_pods_are_named(cluster):
    # The kubelet posts the mirror pod of its static kube-apiserver some seconds after the era is up.
    wait_for_pod(cluster, "kube-system", f"kube-apiserver-{cluster.era.node_name}")
    result = run_preflight(cluster, {"namespace": "kube-system"})
    assert not result.get("failed"), result.get("msg")
    assert result["server"]["subresource_enabled"] is False and result["server"]["git_version"].startswith("v1.21.")
    assert result["ready"] is False
    assert any(p.startswith("the EphemeralContainers feature gate is off") for p in result["problems"]), result["problems"]
    apiserver = next(p for p in result["pods"] if p["pod"].startswith("kube-apiserver-"))
    assert apiserver["static"] is True
    assert f"pod kube-system/{apiserver['pod']} is a static (mirror) pod; the API refuses ephemeral containers for static pods" \
        in result["problems"]
    profiles = result["namespaces"][0]["profiles"]
    assert profiles["known"] is False and "subresource is not served" in profiles["why_unknown"]
