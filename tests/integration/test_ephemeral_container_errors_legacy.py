"""ephemeral_container's failures on the legacy era (Kubernetes 1.21): the feature gate off, and the
era-specific refusals; each proven write-free by the audit log."""

from __future__ import annotations

import pytest

from support.ephemeral import (
    delete_namespace,
    ephemeral_names,
    raw_pod,
    run_ec,
    static_pod,
)
from support.pods import IMAGES, create_and_wait, tools_pod

pytestmark = pytest.mark.legacy

TOOLS = IMAGES["tools"]

CLUSTER = "legacy_gate_on"  # see conftest.py


def _failed(result: dict) -> str:
    assert result.get("failed") is True, result
    return result["msg"]


def test_feature_gate_off_says_which_components_need_it(legacy_gate_off, namespace_in, audit_of):
    cluster = legacy_gate_off
    ns = namespace_in(cluster, "ecl-off")
    try:
        create_and_wait(cluster.core(), ns, tools_pod("web"))
        audit = audit_of(cluster)
        result = run_ec(cluster, {"namespace": ns, "pod": "web", "image": TOOLS, "command": ["true"]})
        msg = _failed(result)
        assert msg.startswith("Ephemeral containers are disabled on this cluster (server 1.21)"), msg
        assert "kube-apiserver AND every kubelet need --feature-gates=EphemeralContainers=true" in msg
        assert "kubedebug.ephemeral.feature_gates role" in msg
        assert result["feature_gate_off"] is True
        assert audit.attempts(ns) == []
        # Check mode says the same.
        assert _failed(run_ec(cluster, {"namespace": ns, "pod": "web", "image": TOOLS}, check=True)) == msg
    finally:
        delete_namespace(cluster, ns)


def test_not_found(cluster, ns, audit_of):
    audit = audit_of(cluster)
    assert _failed(run_ec(cluster, {"namespace": ns, "pod": "nope", "image": TOOLS})).startswith(
        f'Pod "nope" not found in namespace "{ns}"')
    assert _failed(run_ec(cluster, {"namespace": "no-such-namespace-x1", "pod": "web", "image": TOOLS})) == \
        'Namespace "no-such-namespace-x1" does not exist.'
    assert audit.attempts(ns) == [] and audit.attempts("no-such-namespace-x1") == []


@pytest.mark.parametrize("extra", [{"security_context": {"runAsUser": 1000}}, {"profile": "netadmin"}],
                         ids=["security_context", "netadmin"])
def test_security_context_is_refused_before_writing(cluster, ns, audit_of, extra):
    create_and_wait(cluster.core(), ns, tools_pod("web"))
    audit = audit_of(cluster)
    msg = _failed(run_ec(cluster, {"namespace": ns, "pod": "web", "image": TOOLS, "command": ["true"], **extra}))
    assert "security_context: ephemeral containers may have a securityContext only on Kubernetes 1.22+" in msg
    assert audit.attempts(ns) == []


def test_target_name_and_spec_conflicts(cluster, ns, audit_of):
    create_and_wait(cluster.core(), ns, tools_pod("web"))
    base = {"namespace": ns, "pod": "web", "name": "probe", "image": TOOLS, "command": ["sleep", "300"]}
    assert run_ec(cluster, base)["changed"] is True
    audit = audit_of(cluster)
    assert f"target: pod {ns}/web has no container or init container named 'nope'" in _failed(
        run_ec(cluster, {**base, "name": "other", "target": "nope"}))
    assert f"name: 'app' is already the name of a container in pod {ns}/web" in _failed(
        run_ec(cluster, {**base, "name": "app"}))
    msg = _failed(run_ec(cluster, {**base, "command": ["sleep", "301"]}))
    assert "ephemeral container 'probe' already exists with a different spec" in msg
    assert 'command: existing ["sleep", "300"], wanted ["sleep", "301"]' in msg
    assert _failed(run_ec(cluster, {**base, "custom": {"ports": [{"containerPort": 80}]}})).endswith(
        "custom.ports: ephemeral containers may not have ports (the API rejects ports, resources, probes, "
        "lifecycle, resizePolicy and restartPolicy); remove it")
    assert audit.attempts(ns) == []
    assert ephemeral_names(raw_pod(cluster, ns, "web")) == ["probe"]


def test_static_pod_is_refused_although_this_server_would_accept_it(cluster, ns, audit_of):
    with static_pod(cluster, ns, TOOLS) as mirror:
        audit = audit_of(cluster)
        msg = _failed(run_ec(cluster, {"namespace": ns, "pod": mirror, "image": TOOLS, "command": ["true"]}))
        assert f"pod {ns}/{mirror}: static pods do not support ephemeral containers" in msg
        assert audit.attempts(ns) == []
