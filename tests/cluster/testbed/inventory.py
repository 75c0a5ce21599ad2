"""The Ansible inventory of the multi-node legacy cluster, as an operator of a kubeadm cluster would write it.

Groups kube_control_plane and kube_node; every host carries the feature_gates role variables that point at its own
files, its kubelet's restart command and its health URLs. All hosts use the local connection: the nodes' files are
on this machine and their addresses are reachable from it. Written as JSON (which is YAML) by ``up``.
"""

from __future__ import annotations

import json

from .eras import CLUSTER_DIR
from .multinode import CLUSTER, CONTROL_PLANE, NAME, WORKERS, Node


def host_vars(node: Node) -> dict:
    values = {
        "testbed_node_ip": node.ip,
        "feature_gates_node_name": node.node_name,
        "feature_gates_manifests_dir": str(node.manifests_dir),
        "feature_gates_backup_dir": str(node.backup_dir),
        "feature_gates_kubelet_config": str(node.kubelet_config),
        "feature_gates_kubelet_restart_command": f"{CLUSTER_DIR / 'testbed.sh'} restart-kubelet {NAME}/{node.short}",
        "feature_gates_kubelet_healthz_url": node.kubelet_healthz_url,
        "feature_gates_kubelet_kubeconfig": str(node.kubelet_kubeconfig),
        # kubeadm's admin.conf: the load balancer. Checks of this node's own apiserver go to feature_gates_apiserver_url.
        "feature_gates_kubeconfig": str(node.kubeconfig),
    }
    if node.control_plane:
        values["feature_gates_apiserver_url"] = node.apiserver_url
        values["feature_gates_scheduler_health_url"] = node.scheduler_health_url
    return values


def document() -> dict:
    bin_dir = CLUSTER.bin_dir
    return {
        "all": {
            "vars": {
                "ansible_connection": "local",
                "testbed_kubeconfig": str(CLUSTER.kubeconfig),
                "feature_gates_kubectl": str(bin_dir / "kubectl"),
                "feature_gates_component_binaries": {"kubelet": str(bin_dir / "kubelet")},
                "feature_gates_kubelet_method": "config",
                "feature_gates_kubelet_env_files": [],
                "feature_gates_validate_certs": False,
                "feature_gates_verify_kubelet_configz": True,
                # What haproxy checks (loadbalancer.py), for the preflight's load balancer warning.
                "feature_gates_lb_health_check": "readyz",
                # This cluster answers fast; the role's defaults (5 s checks, 10 s settling) suit slower ones.
                "feature_gates_wait_delay": 2,
                "feature_gates_settle_seconds": 3,
                "feature_gates_wait_timeout": 150,
                "feature_gates_rollback_timeout": 150,
            },
            "children": {
                "kube_control_plane": {"hosts": {n.node_name: host_vars(n) for n in CONTROL_PLANE}},
                "kube_node": {"hosts": {n.node_name: host_vars(n) for n in WORKERS}},
            },
        }
    }


def write() -> None:
    CLUSTER.inventory.write_text(json.dumps(document(), indent=2) + "\n")
