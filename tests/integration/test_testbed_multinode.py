"""The multi-node legacy cluster (legacy-ha) in `make test`: a smoke of the bed itself.

The rollout scenarios on it take 14 min and more each, so they run with `make test-multinode`
(tests/integration/test_feature_gates_multinode.py and the feature_gates fault tests). This proves that the bed
they need comes up from the legacy era's binaries, is what the generated inventory says, and goes away cleanly.
"""

from __future__ import annotations

import json

import pytest

from support import multinode as mn

pytestmark = pytest.mark.legacy


def test_five_nodes_three_apiservers_behind_the_balancer_and_an_inventory_that_matches(legacy_ha):
    nodes = json.loads(legacy_ha.kubectl("get", "nodes", "-o", "json").stdout)["items"]
    ready = {n["metadata"]["name"]: any(c["type"] == "Ready" and c["status"] == "True" for c in n["status"]["conditions"])
             for n in nodes}
    assert ready == {node.node_name: True for node in mn.NODES}
    addresses = {n["metadata"]["name"]: {a["address"] for a in n["status"]["addresses"] if a["type"] == "InternalIP"}
                 for n in nodes}
    assert len({address for found in addresses.values() for address in found}) == len(mn.NODES), addresses

    assert mn.ha.apiservers_ready() == {node.node_name: True for node in mn.CONTROL_PLANE}
    assert not any(mn.ha.gate_served(node) for node in mn.CONTROL_PLANE), "legacy-ha starts with the gate off"

    inventory = json.loads(mn.CLUSTER.inventory.read_text())["all"]["children"]
    assert sorted(inventory["kube_control_plane"]["hosts"]) == sorted(n.node_name for n in mn.CONTROL_PLANE)
    assert sorted(inventory["kube_node"]["hosts"]) == sorted(n.node_name for n in mn.WORKERS)
    for path in mn.all_files():  # every file the role edits, where the inventory points
        assert path.is_file(), path
    # kubeadm 1.21's servers (getKubeConfigSpecsBase): admin.conf and kubelet.conf the control-plane endpoint,
    # scheduler.conf the node's own apiserver.
    for node in mn.NODES:
        for path in (node.kubeconfig, node.kubelet_kubeconfig):
            assert f"server: {mn.CLUSTER.lb_url_for_nodes}\n" in path.read_text(), path
    for node in mn.CONTROL_PLANE:
        assert f"server: {node.apiserver_url}\n" in node.scheduler_kubeconfig.read_text(), node.scheduler_kubeconfig
