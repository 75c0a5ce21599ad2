"""What differs between the test bed's Kubernetes eras: versions, ports, addresses."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

CLUSTER_DIR = Path(__file__).resolve().parent.parent
CACHE_ROOT = Path(os.environ.get("KUBEDEBUG_TESTBED_CACHE", Path.home() / ".cache" / "kubedebug-testbed"))
STATE_ROOT = Path(os.environ.get("KUBEDEBUG_TESTBED_STATE", "/var/tmp/kubedebug-testbed"))
# Sockets need short paths (108 bytes), so runtime state lives under /run.
RUN_ROOT = Path(os.environ.get("KUBEDEBUG_TESTBED_RUN", "/run/kubedebug-testbed"))

IMAGES = {
    "pause": "kubedebug.local/pause:1",
    "tools": "kubedebug.local/busybox-tools:1",
    "java_app": "kubedebug.local/java-app:17",
    "jdk": "kubedebug.local/jdk:17",
}


class _Port:
    """A listener of an era: 127.0.0.1:<era's port prefix><suffix>, e.g. 16443 for current's apiserver."""

    def __init__(self, suffix: int) -> None:
        self.suffix = suffix

    def __get__(self, era: "Era", owner: type) -> int:
        return era.port(self.suffix)


@dataclasses.dataclass(frozen=True)
class Era:
    name: str
    version: str
    port_prefix: int  # every listener of this era is on 127.0.0.1:<prefix><suffix>
    pod_subnet: str
    bridge: str
    # legacy runs kube-apiserver and kube-scheduler as static pods, kubeadm-style, so that
    # the feature_gates role edits the very files the running control plane comes from.
    static_control_plane: bool
    # scale: kwok simulates the nodes and the kubelet (no containerd, no network) in front of a
    # real control plane of the current version, with an etcd that answers progress requests.
    simulated: bool = False

    @property
    def minor(self) -> int:
        return int(self.version.split(".")[1])

    @property
    def module_dir(self) -> Path:
        return CLUSTER_DIR / "components" / f"v1.{self.minor}"

    @property
    def bin_dir(self) -> Path:
        return CACHE_ROOT / "bin" / self.version

    @property
    def state_dir(self) -> Path:
        return STATE_ROOT / self.name

    @property
    def run_dir(self) -> Path:
        return RUN_ROOT / self.name

    @property
    def containerd_root(self) -> Path:
        # Kept across up/down (images stay imported), so a warm start takes seconds.
        return CACHE_ROOT / "containerd" / self.name

    @property
    def node_name(self) -> str:
        # The kubelet refuses a loopback node IP, so the API server reaches it by this
        # name (preferred address type Hostname), which resolves to 127.0.0.1.
        return "localhost"

    @property
    def node_ip(self) -> str | None:
        """The node's own address when it has one (a node of a multi-node mode); None: 127.0.0.1 by name."""
        return None

    def port(self, suffix: int) -> int:
        return self.port_prefix * 1000 + suffix

    apiserver_port = _Port(443)
    etcd_port = _Port(379)
    kubelet_port = _Port(250)
    kubelet_healthz_port = _Port(248)
    scheduler_port = _Port(259)
    controller_manager_port = _Port(257)

    @property
    def kubeconfig(self) -> Path:
        return self.state_dir / "admin.kubeconfig"

    @property
    def pki_dir(self) -> Path:
        return self.state_dir / "pki"

    @property
    def api_base(self) -> str:
        """Where the test bed's own clients reach the era's API from the host."""
        return f"https://127.0.0.1:{self.apiserver_port}"

    @property
    def kubelet_kubeconfig(self) -> Path:
        return self.state_dir / "kubelet.kubeconfig"

    def enter(self) -> list[str]:
        """The argv prefix that runs a command inside this node's namespaces (none: the host's)."""
        return []

    @property
    def containerd_socket(self) -> Path:
        return self.run_dir / "containerd.sock"

    @property
    def manifests_dir(self) -> Path:
        return self.state_dir / "etc" / "kubernetes" / "manifests"

    @property
    def kubelet_config(self) -> Path:
        return self.state_dir / "var" / "lib" / "kubelet" / "config.yaml"

    @property
    def audit_log(self) -> Path:
        return self.state_dir / "log" / "audit.log"

    @property
    def audits_reads(self) -> bool:
        """Reads of the admin user are audited too: always on the scale bed (its benchmark counts
        every request), on the others when KUBEDEBUG_TESTBED_AUDIT_READS=1 when the apiserver starts."""
        return self.simulated or os.environ.get("KUBEDEBUG_TESTBED_AUDIT_READS") == "1"


@dataclasses.dataclass(frozen=True)
class KubeletEra(Era):
    """A single-node era of an old release in the legacy era's shape, started on demand only.

    Its containerd and kubelet run in a mount namespace of their own (host network), where /var/log/pods and
    /var/log/containers are the era's: kubelets before 1.29 cannot move that directory, and every kubelet deletes
    the pod log directories of pods it does not know, so beside legacy's kubelet they would delete each other's logs.
    """

    @property
    def holder_name(self) -> str:
        """The command name of the process holding the namespace, so that teardown finds it by name."""
        return f"kubedebug-testbed-{self.name}"

    @property
    def pod_log_dirs(self) -> dict[str, Path]:
        return {"/var/log/pods": self.state_dir / "var" / "log" / "pods",
                "/var/log/containers": self.state_dir / "var" / "log" / "containers"}

    def enter(self) -> list[str]:
        from . import processes  # pylint: disable=import-outside-toplevel  # processes imports this module

        holder = processes.pid_of(self, "holder")
        if holder is None:
            raise RuntimeError(f"{self.name} has no mount namespace (its holder process is gone)")
        return ["nsenter", f"--mount=/proc/{holder}/ns/mnt", "--"]


ERAS = {
    "current": Era("current", "v1.37.2", 16, "10.244.16.0/24", "kdcurrent0", static_control_plane=False),
    "legacy": Era("legacy", "v1.21.14", 17, "10.244.17.0/24", "kdlegacy0", static_control_plane=True),
    # Pod IPs are handed out by kwok, from loopback: nothing may route anywhere but this machine.
    "scale": Era("scale", "v1.37.2", 18, "127.100.0.0/16", "", static_control_plane=False, simulated=True),
}
# Old kubelets (make test-kubelet-eras): never built by `testbed.sh build all` nor started by make test, since a cold
# build takes 15-30 minutes each; `testbed.sh up legacy-1.16` builds and starts one, `down all` stops them too.
KUBELET_ERAS = {
    "legacy-1.16": KubeletEra("legacy-1.16", "v1.16.15", 14, "10.244.14.0/24", "kdlegacy116", static_control_plane=True),
    "legacy-1.19": KubeletEra("legacy-1.19", "v1.19.16", 15, "10.244.15.0/24", "kdlegacy119", static_control_plane=True),
}
ALL_ERAS = {**ERAS, **KUBELET_ERAS}


def era(name: str) -> Era:
    try:
        return ALL_ERAS[name]
    except KeyError:
        raise SystemExit(f"unknown era {name!r}: choose one of {', '.join(ALL_ERAS)}") from None
