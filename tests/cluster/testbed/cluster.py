"""Bringing one era up (and its EphemeralContainers gate on or off)."""

from __future__ import annotations

import subprocess
import time

from . import api, build, containerd, control_plane, kubelet, namespaces, pki, processes, scale, static_pods
from .eras import CLUSTER_DIR, Era, KubeletEra


def _write_kubeconfigs(era: Era, pki_dir) -> None:
    pki.write_kubeconfig(era.kubeconfig, era, pki_dir, "admin")
    pki.write_kubeconfig(era.kubelet_kubeconfig, era, pki_dir, "kubelet")
    pki.write_kubeconfig(era.state_dir / "controller-manager.kubeconfig", era, pki_dir, "controller-manager")
    pki.write_kubeconfig(era.state_dir / "scheduler.kubeconfig", era, pki_dir, "scheduler")


def _static_images(era: Era) -> dict[str, tuple[str, object]]:
    return {c: build.component_image(era, c) for c in ("kube-apiserver", "kube-scheduler")}


def write_control_plane(era: Era, gate: bool) -> None:
    """A static era's manifests and kubelet config (legacy, legacy-1.16, ...), the gate set only when ``gate`` is on.

    Off means no flag at all, as on a stock 1.16-1.22 cluster where the default is off.
    """
    pki_dir = era.state_dir / "pki"
    setting = True if gate else None
    kubelet.write_config(era, pki_dir, setting)
    images = _static_images(era)
    static_pods.write(era, "kube-apiserver", images["kube-apiserver"][0],
                      control_plane.apiserver_args(era, pki_dir, setting))
    static_pods.write(era, "kube-scheduler", images["kube-scheduler"][0], control_plane.scheduler_args(era))


def up(era: Era, gate: bool = False, settings: "scale.Settings | None" = None) -> float:
    """Start ``era`` unless it already runs (then nothing changes, the gate included; the scale era
    is brought to ``settings``); returns the seconds starting took, after builds."""
    if era.simulated:
        return scale.up(era, settings or scale.Settings())
    build.ensure_binaries(era)
    subprocess.run([str(CLUSTER_DIR / "images" / "build.sh")], check=True)
    started = time.monotonic()
    if running(era):
        return 0.0
    pki_dir = pki.ensure_pki(era)
    _write_kubeconfigs(era, pki_dir)
    if isinstance(era, KubeletEra):
        namespaces.start_own_logs(era)
    containerd.start(era)
    extra = list(_static_images(era).values()) if era.static_control_plane else []
    containerd.import_images(era, extra)
    control_plane.start_etcd(era)
    if era.static_control_plane:
        write_control_plane(era, gate)
        kubelet.start(era)
        control_plane.wait_apiserver(era, timeout=180)
    else:
        kubelet.write_config(era, pki_dir, None)
        control_plane.start_host_process(era, "kube-apiserver", control_plane.apiserver_args(era, pki_dir, None))
        control_plane.wait_apiserver(era)
        control_plane.start_host_process(era, "kube-scheduler", control_plane.scheduler_args(era))
        kubelet.start(era)
    control_plane.start_host_process(era, "kube-controller-manager", control_plane.controller_manager_args(era, pki_dir))
    kubelet.wait_node_ready(era)
    wait_default_service_account(era)
    return time.monotonic() - started


def wait_default_service_account(era: Era) -> None:
    # Pods are rejected until the controller-manager has made the namespace's default ServiceAccount.
    if not processes.wait_for(lambda: api.get_json(era, "/api/v1/namespaces/default/serviceaccounts/default"), 60):
        raise RuntimeError("no default ServiceAccount:\n" + processes.tail(era.state_dir / "log" / "kube-controller-manager.log"))


def subresource_enabled(era: Era) -> bool:
    resources = api.get_json(era, "/api/v1")["resources"]
    return any(r["name"] == "pods/ephemeralcontainers" for r in resources)


def set_gate(era: Era, gate: bool, timeout: float = 180) -> None:
    """Turn the legacy era's gate on or off on kube-apiserver and kubelet, and wait for it."""
    if not era.static_control_plane:
        raise SystemExit("the gate can only be switched in the legacy era")
    write_control_plane(era, gate)
    kubelet.restart(era)
    if not processes.wait_for(lambda: api.apiserver_ready(era) and subresource_enabled(era) == gate, timeout, interval=1):
        raise RuntimeError(f"kube-apiserver did not come back with EphemeralContainers={gate}")
    kubelet.wait_node_ready(era)


def running(era: Era) -> bool:
    if era.simulated:
        return scale.running(era)
    try:
        return processes.pid_of(era, "kubelet") is not None and api.apiserver_ready(era)
    except OSError:  # no PKI yet, refused, timed out (URLError is an OSError)
        return False


def kill_apiserver(era: Era) -> None:
    """kube-apiserver dies like a crashed process (SIGKILL); only for an era that runs it as a host process."""
    if era.static_control_plane:
        raise SystemExit("the legacy era's kube-apiserver is a static pod; kill its container instead")
    processes.kill(era, "kube-apiserver")


def start_apiserver(era: Era, timeout: float = 120) -> float:
    """Start the host kube-apiserver again with its usual flags; returns the seconds until /readyz."""
    started = time.monotonic()
    control_plane.start_host_process(era, "kube-apiserver", control_plane.apiserver_args(era, era.state_dir / "pki", None))
    control_plane.wait_apiserver(era, timeout)
    return time.monotonic() - started
