"""A containerd of the era's own (own root, state, socket and CNI network)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from . import processes
from .eras import CLUSTER_DIR, IMAGES, Era

CNI_BIN_DIR = "/usr/lib/cni"  # Debian's containernetworking-plugins


def _config(era: Era) -> str:
    return f"""version = 2
root = "{era.containerd_root}"
state = "{era.run_dir / 'containerd'}"
disabled_plugins = ["io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs",
                    "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.aufs"]
[grpc]
  address = "{era.containerd_socket}"
[ttrpc]
  address = "{era.run_dir / 'containerd-ttrpc.sock'}"
[debug]
  address = ""
[metrics]
  address = ""
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "{IMAGES['pause']}"
  # Network namespaces under our own state dir, so teardown finds and unmounts them.
  netns_mounts_under_state_dir = true
  enable_selinux = false
  # Our machines do not let root lower a process's oom_score_adj (the kubelet asks -998 for
  # sandboxes); keep containers no lower than containerd's own, as rootless setups do.
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "{CNI_BIN_DIR}"
    conf_dir = "{era.state_dir / 'cni' / 'net.d'}"
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
"""


def _cni_config(era: Era) -> dict:
    # ipMasq off: no iptables rules, and pod traffic never leaves the bridge.
    return {
        "cniVersion": "0.4.0",
        "name": f"kubedebug-{era.name}",
        "plugins": [
            {
                "type": "bridge",
                "bridge": era.bridge,
                "isGateway": True,
                "ipMasq": False,
                "hairpinMode": True,
                "ipam": {
                    "type": "host-local",
                    "ranges": [[{"subnet": era.pod_subnet}]],
                    "dataDir": str(era.state_dir / "cni" / "ipam"),
                },
            },
            {"type": "portmap", "capabilities": {"portMappings": True}, "snat": False},
        ],
    }


def start(era: Era) -> None:
    if processes.pid_of(era, "containerd"):
        return
    config = era.state_dir / "containerd.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(_config(era))
    net_d = era.state_dir / "cni" / "net.d"
    net_d.mkdir(parents=True, exist_ok=True)
    (net_d / "10-kubedebug.conflist").write_text(json.dumps(_cni_config(era), indent=2))
    processes.start(era, "containerd", [*era.enter(), "containerd", "--config", str(config)])
    if not processes.wait_for(lambda: ctr(era, "version").returncode == 0, 30):
        raise RuntimeError("containerd did not start:\n" + processes.tail(era.state_dir / "log" / "containerd.log"))


def ctr(era: Era, *args: str, check: bool = False) -> subprocess.CompletedProcess:
    return subprocess.run(["ctr", "--address", str(era.containerd_socket), "-n", "k8s.io", *args],
                          capture_output=True, text=True, check=check)


def image_refs(era: Era) -> set[str]:
    return set(ctr(era, "images", "ls", "-q", check=True).stdout.split())


def import_images(era: Era, extra: list[tuple[str, Path]] | None = None, base: bool = True) -> None:
    """Import the test bed's images (unless ``base`` is false), and ``extra`` (ref, OCI archive) pairs, unless
    already there."""
    present = image_refs(era)
    if base and set(IMAGES.values()) - present:
        subprocess.run([str(CLUSTER_DIR / "images" / "import.sh"), str(era.containerd_socket)], check=True)
    for ref, archive in extra or []:
        if ref not in present:
            # umoci names the image by its tag only; --base-name makes it the full reference.
            ctr(era, "images", "import", "--base-name", ref.rsplit(":", 1)[0], str(archive), check=True)


def remove_all_containers(era: Era) -> None:
    """Kill every task and delete every container, keeping the images."""
    if not processes.pid_of(era, "containerd"):
        return
    for task in ctr(era, "tasks", "ls", "-q").stdout.split():
        ctr(era, "tasks", "kill", "-s", "SIGKILL", task)
    for task in ctr(era, "tasks", "ls", "-q").stdout.split():
        ctr(era, "tasks", "delete", "-f", task)
    for container in ctr(era, "containers", "ls", "-q").stdout.split():
        ctr(era, "containers", "delete", container)
