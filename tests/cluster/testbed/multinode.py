"""The multi-node mode of the legacy era (``legacy-ha``): who is who, and where each node keeps its files.

Three control-plane nodes (a kubelet each, running kube-apiserver and kube-scheduler as static pods from the node's
own manifests directory) and two workers, all v1.21.14 from the legacy era's binaries and images. Each node lives in
a network and mount namespace of its own with an address on the test bridge (10.250.17.0/24, no route out), so it
has its own identity (node name, IP, ports 6443/10250/10248/10259 as on a kubeadm node) and its own /var/log/pods.
One etcd, haproxy in front of the three apiservers and the controller-manager run on the host.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from . import processes
from .eras import CACHE_ROOT, ERAS, RUN_ROOT, STATE_ROOT, Era

BASE = ERAS["legacy"]  # binaries, images and version come from the legacy era
NAME = "legacy-ha"
BRIDGE = "kdha0"
GATEWAY = "10.250.17.1"  # the host's address on the test bridge: etcd and haproxy listen here for the nodes
PREFIX_LENGTH = 24


@dataclasses.dataclass(frozen=True)
class Cluster(Era):
    """The host's share of the cluster: etcd, haproxy (the apiserver port is the load balancer's), the
    controller-manager, the PKI and the admin kubeconfig for clients on 127.0.0.1."""

    @property
    def inventory(self) -> Path:
        return self.state_dir / "inventory.json"

    @property
    def lb_url(self) -> str:
        return f"https://127.0.0.1:{self.apiserver_port}"

    @property
    def lb_url_for_nodes(self) -> str:
        return f"https://{GATEWAY}:{self.apiserver_port}"

    @property
    def haproxy_socket(self) -> Path:
        return self.run_dir / "haproxy.sock"


@dataclasses.dataclass(frozen=True)
class Node(Era):
    """One node: its own kubelet and containerd inside its own namespaces, its files under a kubeadm layout."""

    short: str = ""  # cp1, w1, ...
    control_plane: bool = False
    ip: str = ""

    apiserver_port = 6443  # type: ignore[assignment]  # kubeadm's ports: every node has an address of its own

    @property
    def state_dir(self) -> Path:
        return STATE_ROOT / NAME / "nodes" / self.short

    @property
    def run_dir(self) -> Path:
        return RUN_ROOT / NAME / self.short

    @property
    def containerd_root(self) -> Path:
        return CACHE_ROOT / "containerd" / self.name

    @property
    def node_name(self) -> str:
        return f"kd-{self.short}"

    @property
    def node_ip(self) -> str | None:
        return self.ip

    @property
    def api_base(self) -> str:
        return CLUSTER.lb_url

    @property
    def holder_name(self) -> str:
        """The command name of the process that holds the node's namespaces, so that teardown finds it by name."""
        return f"kubedebug-testbed-{self.name}"

    @property
    def etc(self) -> Path:
        return self.state_dir / "etc" / "kubernetes"

    @property
    def kubeconfig(self) -> Path:
        """admin.conf on this node; it names the load balancer on every node, as kubeadm's does."""
        return self.etc / "admin.conf"

    @property
    def kubelet_kubeconfig(self) -> Path:
        return self.etc / "kubelet.conf"

    @property
    def scheduler_kubeconfig(self) -> Path:
        return self.etc / "scheduler.conf"

    @property
    def pki_dir(self) -> Path:
        return self.etc / "pki"

    @property
    def backup_dir(self) -> Path:
        return self.etc / "tmp" / "kubedebug-feature-gates"

    @property
    def pod_log_dirs(self) -> dict[str, Path]:
        """The 1.21 kubelet's fixed log directories, bind-mounted per node: every kubelet deletes the pod log
        directories of pods it does not know, so nodes sharing /var/log/pods delete each other's logs."""
        return {"/var/log/pods": self.state_dir / "var" / "log" / "pods",
                "/var/log/containers": self.state_dir / "var" / "log" / "containers"}

    @property
    def apiserver_url(self) -> str:
        return f"https://{self.ip}:{self.apiserver_port}"

    @property
    def kubelet_healthz_url(self) -> str:
        return f"http://{self.ip}:{self.kubelet_healthz_port}/healthz"

    @property
    def scheduler_health_url(self) -> str:
        return f"https://{self.ip}:{self.scheduler_port}/healthz"

    def enter(self) -> list[str]:
        holder = processes.pid_of(self, "holder")
        if holder is None:
            raise RuntimeError(f"node {self.node_name} has no namespaces (its holder process is gone)")
        return ["nsenter", f"--mount=/proc/{holder}/ns/mnt", f"--net=/proc/{holder}/ns/net", "--"]


def _node(short: str, index: int, control_plane: bool) -> Node:
    # port_prefix 10: the kubelet on :10250, healthz :10248, the scheduler :10259, as on a kubeadm node.
    return Node(f"{NAME}-{short}", BASE.version, 10, f"10.245.{index}.0/24", "kdpods0", static_control_plane=True,
                short=short, control_plane=control_plane, ip=f"10.250.17.{index}")


CLUSTER = Cluster(NAME, BASE.version, 19, "", BRIDGE, static_control_plane=True)  # 18: the scale era
CONTROL_PLANE = (_node("cp1", 11, True), _node("cp2", 12, True), _node("cp3", 13, True))
WORKERS = (_node("w1", 21, False), _node("w2", 22, False))
NODES = CONTROL_PLANE + WORKERS
MODES = {NAME: CLUSTER}


def node(name: str) -> Node:
    """A node by its short name (cp2), node name (kd-cp2) or mode/short name (legacy-ha/cp2)."""
    wanted = name.rsplit("/", 1)[-1]
    for candidate in NODES:
        if wanted in (candidate.short, candidate.node_name, candidate.name):
            return candidate
    raise SystemExit(f"unknown node {name!r}: one of {', '.join(n.short for n in NODES)}")
