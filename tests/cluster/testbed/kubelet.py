"""The era's kubelet: a KubeletConfiguration file (kubeadm layout) and its flags."""

from __future__ import annotations

import json
from pathlib import Path

from . import api, processes
from .eras import IMAGES, Era


def config(era: Era, pki: Path, gate: bool | None) -> dict:
    data: dict = {
        "apiVersion": "kubelet.config.k8s.io/v1beta1",
        "kind": "KubeletConfiguration",
        "address": era.node_ip or "127.0.0.1",
        "port": era.kubelet_port,
        "healthzBindAddress": era.node_ip or "127.0.0.1",
        "healthzPort": era.kubelet_healthz_port,
        "readOnlyPort": 0,
        # Listens on 127.0.0.1 only; webhook authorization would add nothing but start-up time.
        "authentication": {"anonymous": {"enabled": True}, "webhook": {"enabled": False},
                           "x509": {"clientCAFile": str(pki / "ca.crt")}},
        "authorization": {"mode": "AlwaysAllow"},
        "cgroupDriver": "cgroupfs",
        # Each era's kubelet gets a cgroup tree of its own: a kubelet kills the processes of
        # every pod cgroup it does not know, so two kubelets under one /kubepods kill each other's pods.
        "cgroupRoot": cgroup_root(era),
        "staticPodPath": str(era.manifests_dir),
        "failSwapOn": False,
        "clusterDomain": "cluster.local",
        "resolvConf": "/etc/resolv.conf",
        "enforceNodeAllocatable": [],
        # Never garbage-collect the imported images: they cannot be pulled again.
        "imageGCHighThresholdPercent": 100,
        "imageGCLowThresholdPercent": 99,
        "evictionHard": {"memory.available": "100Mi", "nodefs.available": "1%",
                         "imagefs.available": "1%", "nodefs.inodesFree": "1%"},
        "serializeImagePulls": False,
        "syncFrequency": "10s",
        # The fleet benchmark runs 100 pods on this one node (the default is 110, system pods included).
        "maxPods": 250,
        "fileCheckFrequency": "5s",
    }
    if era.minor >= 27:
        data["containerRuntimeEndpoint"] = f"unix://{era.containerd_socket}"
    if era.minor >= 29:
        # Every kubelet deletes the directories in its pod logs dir that belong to no pod of its
        # own, so two kubelets sharing /var/log/pods delete each other's logs within a minute.
        # The 1.21 kubelet cannot move its dir; the current one moves out of its way.
        data["podLogsDir"] = str(era.state_dir / "pod-logs")
    if era.minor >= 31:
        # Our machines mount cgroup v1; kubelets from 1.35 refuse it unless told otherwise.
        data["failCgroupV1"] = False
    if gate is not None:
        data["featureGates"] = {"EphemeralContainers": gate}
    return data


def cgroup_root(era: Era) -> str:
    return f"/kubedebug-{era.name}"


def cgroup_dirs(era: Era) -> list[Path]:
    """The era's cgroup root in every mounted cgroup v1 hierarchy (and v2, where mounted)."""
    base = Path("/sys/fs/cgroup")
    if (base / "cgroup.controllers").exists():  # cgroup v2: one tree
        return [base / cgroup_root(era).lstrip("/")]
    return [h / cgroup_root(era).lstrip("/") for h in sorted(base.iterdir())
            if h.is_dir() and not h.is_symlink() and (h / "cgroup.procs").exists()]


def ensure_cgroup_root(era: Era) -> None:
    for directory in cgroup_dirs(era):
        directory.mkdir(exist_ok=True)


def write_config(era: Era, pki: Path, gate: bool | None) -> None:
    era.kubelet_config.parent.mkdir(parents=True, exist_ok=True)
    era.manifests_dir.mkdir(parents=True, exist_ok=True)
    # JSON is YAML; the feature_gates role edits this file as YAML text.
    era.kubelet_config.write_text(json.dumps(config(era, pki, gate), indent=2) + "\n")


def argv(era: Era) -> list[str]:
    args = [
        str(era.bin_dir / "kubelet"),
        f"--config={era.kubelet_config}",
        f"--kubeconfig={era.kubelet_kubeconfig}",
        f"--hostname-override={era.node_name}",
        f"--root-dir={era.state_dir / 'kubelet'}",
        f"--cert-dir={era.state_dir / 'kubelet' / 'pki'}",
        "--v=1",
    ]
    if era.node_ip:
        args.append(f"--node-ip={era.node_ip}")
    if era.minor < 27:
        args += ["--container-runtime=remote", f"--container-runtime-endpoint=unix://{era.containerd_socket}",
                 # Old kubelets garbage-collect any sandbox image but the one named here.
                 f"--pod-infra-container-image={IMAGES['pause']}"]
    return args


def start(era: Era) -> None:
    ensure_cgroup_root(era)
    if not processes.pid_of(era, "kubelet"):
        processes.start(era, "kubelet", [*era.enter(), *argv(era)])


def restart(era: Era) -> None:
    processes.stop(era, "kubelet")
    start(era)
    wait_healthy(era)


def wait_healthy(era: Era, timeout: float = 60) -> None:
    if not processes.wait_for(lambda: api.http_ok(f"http://{era.node_ip or '127.0.0.1'}:{era.kubelet_healthz_port}/healthz"), timeout):
        raise RuntimeError("kubelet not healthy:\n" + processes.tail(era.state_dir / "log" / "kubelet.log"))


def wait_node_ready(era: Era, timeout: float = 90) -> None:
    if not processes.wait_for(lambda: api.node_ready(era), timeout, interval=1):
        raise RuntimeError(f"node {era.node_name} not Ready:\n" + processes.tail(era.state_dir / "log" / "kubelet.log"))
