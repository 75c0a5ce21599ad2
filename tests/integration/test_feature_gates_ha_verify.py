"""With kubeadm's admin.conf (server = the load balancer) the role must still check the apiserver it has just
changed, not whichever one the load balancer picks.

Deterministic: the changed node's apiserver is out of haproxy's rotation (runtime API, state maint) for the whole run,
so everything sent through the load balancer lands on an apiserver the run has not reached. A role that reads
discovery through feature_gates_kubeconfig then always sees the gate off and rolls the node back.
"""

from __future__ import annotations

import json

import pytest

from support import multinode as mn
from testbed import loadbalancer
from test_feature_gates_multinode import SUBRESOURCE, apiserver_manifest

pytestmark = pytest.mark.legacy


def served_through_the_balancer(cluster) -> bool:
    resources = json.loads(cluster.kubectl("get", "--raw", "/api/v1").stdout)["resources"]
    return any(r["name"] == SUBRESOURCE for r in resources)


def test_the_changed_apiserver_is_verified_directly_while_the_balancer_answers_from_the_others(ha_off, tmp_path):
    cluster = ha_off
    cp1, cp2, cp3 = mn.CONTROL_PLANE
    admin = cp2.kubeconfig.read_text()
    assert f"server: {mn.CLUSTER.lb_url_for_nodes}" in admin, "the bed's admin.conf must name the load balancer"
    inventory = mn.inventory_of(tmp_path / "inventory.json", cp2)

    loadbalancer.command(f"set server apiservers/{cp2.node_name} state maint")
    try:
        assert loadbalancer.servers_up()[cp2.node_name] is False
        run = mn.run(inventory)
        # Still out of rotation: the balancer answers from kd-cp1/kd-cp3, which the run did not touch.
        balancer_saw_gate = served_through_the_balancer(cluster)
    finally:
        loadbalancer.command(f"set server apiservers/{cp2.node_name} state ready")

    assert run.proc.returncode == 0 and run.failed == 0, run.text()
    assert "the flag did not take effect" not in run.proc.stdout
    assert b"EphemeralContainers=true" in apiserver_manifest(cp2).read_bytes(), "kd-cp2 was rolled back"
    assert mn.ha.gate_served(cp2), f"kd-cp2's apiserver does not serve {SUBRESOURCE}"
    assert not mn.ha.gate_served(cp1) and not mn.ha.gate_served(cp3)
    assert not balancer_saw_gate, "the balancer answered from kd-cp2: the check was not forced onto the others"
