"""Bringing the multi-node legacy cluster (``legacy-ha``) up and down, and switching its gate."""

from __future__ import annotations

import shutil
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from . import api, build, cluster, containerd, control_plane, inventory, kubelet, loadbalancer, namespaces, pki
from . import processes, static_pods, teardown
from .eras import CLUSTER_DIR
from .multinode import CLUSTER, CONTROL_PLANE, GATEWAY, NODES, Node

NODE_IMAGES = ("pause", "busybox-tools")  # what pods on every node run; workers need nothing else


def _flags(args: list[str], **values: str) -> list[str]:
    """``args`` with the value of each --flag given in ``values`` (underscores for dashes) replaced or added."""
    wanted = {f"--{name.replace('_', '-')}": value for name, value in values.items()}
    kept = [arg for arg in args if arg.split("=", 1)[0] not in wanted]
    return kept + [f"{flag}={value}" for flag, value in wanted.items()]


def apiserver_args(node: Node, gate: bool | None) -> list[str]:
    return _flags(control_plane.apiserver_args(node, node.pki_dir, gate), advertise_address=node.ip,
                  bind_address=node.ip, etcd_servers=f"http://{GATEWAY}:{CLUSTER.etcd_port}",
                  kubelet_preferred_address_types="InternalIP")


def scheduler_args(node: Node) -> list[str]:
    config = str(node.scheduler_kubeconfig)
    return _flags(control_plane.scheduler_args(node), kubeconfig=config, authentication_kubeconfig=config,
                  authorization_kubeconfig=config, bind_address=node.ip, leader_elect="true")


def write_node_files(node: Node, gate: bool) -> None:
    """The node's kubelet config and, on control planes, its two manifests: gate on, or no mention at all."""
    setting = True if gate else None
    kubelet.write_config(node, node.pki_dir, setting)
    if node.control_plane:
        static_pods.write(node, "kube-apiserver", build.component_image(CLUSTER, "kube-apiserver")[0],
                          apiserver_args(node, setting))
        static_pods.write(node, "kube-scheduler", build.component_image(CLUSTER, "kube-scheduler")[0],
                          scheduler_args(node))


def _prepare_node(node: Node, cluster_pki, gate: bool) -> None:
    namespaces.start(node)
    if not node.pki_dir.exists():
        shutil.copytree(cluster_pki, node.pki_dir)
    # As kubeadm 1.21 writes them (getKubeConfigSpecsBase): admin.conf and kubelet.conf name the control-plane
    # endpoint (haproxy), scheduler.conf the node's local apiserver (its advertise address).
    pki.write_kubeconfig(node.kubeconfig, CLUSTER, node.pki_dir, "admin", CLUSTER.lb_url_for_nodes)
    pki.write_kubeconfig(node.kubelet_kubeconfig, CLUSTER, node.pki_dir, f"kubelet-{node.node_name}",
                         CLUSTER.lb_url_for_nodes)
    if node.control_plane:
        pki.write_kubeconfig(node.scheduler_kubeconfig, CLUSTER, node.pki_dir, "scheduler", node.apiserver_url)
    containerd.start(node)
    _import_images(node)
    write_node_files(node, gate)


def _import_images(node: Node) -> None:
    present = containerd.image_refs(node)
    refs = {"pause": "kubedebug.local/pause:1", "busybox-tools": "kubedebug.local/busybox-tools:1"}
    missing = [name for name in NODE_IMAGES if refs[name] not in present]
    if missing:
        subprocess.run([str(CLUSTER_DIR / "images" / "import.sh"), str(node.containerd_socket), *missing], check=True)
    if node.control_plane:
        containerd.import_images(node, [build.component_image(CLUSTER, c) for c in ("kube-apiserver", "kube-scheduler")],
                                 base=False)


def up(gate: bool = False) -> float:
    """Start the cluster unless it runs; returns the seconds starting took (after builds)."""
    build.ensure_binaries(CLUSTER)
    subprocess.run([str(CLUSTER_DIR / "images" / "build.sh")], check=True)
    started = time.monotonic()
    if running():
        return 0.0
    sans = "".join(f",IP:{address}" for address in (GATEWAY, *(n.ip for n in CONTROL_PLANE)))
    cluster_pki = pki.ensure_pki(CLUSTER, {f"kubelet-{n.node_name}": n.node_name for n in NODES}, sans)
    pki.write_kubeconfig(CLUSTER.kubeconfig, CLUSTER, cluster_pki, "admin")
    pki.write_kubeconfig(CLUSTER.state_dir / "controller-manager.kubeconfig", CLUSTER, cluster_pki, "controller-manager")
    namespaces.ensure_bridge()
    control_plane.start_etcd(CLUSTER, GATEWAY)
    loadbalancer.start()
    with ThreadPoolExecutor(len(NODES)) as pool:  # containerds and image checks side by side
        list(pool.map(lambda n: _prepare_node(n, cluster_pki, gate), NODES))
    for node in NODES:
        kubelet.start(node)
    control_plane.wait_apiserver(CLUSTER, timeout=180)
    # Its args turn off 1.21's plain-HTTP port 10252, which the legacy era's controller-manager would hold too.
    control_plane.start_host_process(CLUSTER, "kube-controller-manager",
                                     control_plane.controller_manager_args(CLUSTER, cluster_pki))
    wait_healthy(180)
    cluster.wait_default_service_account(CLUSTER)
    inventory.write()
    return time.monotonic() - started


def apiservers_ready() -> dict[str, bool]:
    """Each control-plane node's own apiserver, asked directly (not through haproxy)."""
    ready = {}
    for node in CONTROL_PLANE:
        try:
            ready[node.node_name] = api.request(CLUSTER, "/readyz", timeout=3, base=node.apiserver_url)[0] == 200
        except OSError:
            ready[node.node_name] = False
    return ready


def nodes_ready() -> dict[str, bool]:
    ready = {}
    for node in NODES:
        try:
            ready[node.node_name] = api.node_ready(node)
        except (OSError, RuntimeError, KeyError):
            ready[node.node_name] = False
    return ready


def wait_healthy(timeout: float = 120) -> None:
    """3/3 apiservers ready and 5/5 nodes Ready."""
    if not processes.wait_for(lambda: all(apiservers_ready().values()) and all(nodes_ready().values()), timeout, 1):
        raise RuntimeError(f"{CLUSTER.name} not healthy after {timeout:.0f} s: apiservers {apiservers_ready()}, "
                           f"nodes {nodes_ready()}")


def running() -> bool:
    return (all(processes.pid_of(n, "kubelet") for n in NODES) and processes.pid_of(CLUSTER, "haproxy") is not None
            and processes.pid_of(CLUSTER, "kube-controller-manager") is not None and _lb_ready())


def _lb_ready() -> bool:
    try:
        return api.apiserver_ready(CLUSTER)
    except OSError:
        return False


def restart_kubelet(node: Node) -> None:
    kubelet.restart(node)


def gate_served(node: Node) -> bool:
    resources = api.get_json(CLUSTER, "/api/v1", base=node.apiserver_url)["resources"]
    return any(r["name"] == "pods/ephemeralcontainers" for r in resources)


def set_gate(gate: bool, timeout: float = 240) -> None:
    """Every node's files to gate on (or no mention), every kubelet restarted at once, then wait for the result."""
    for node in NODES:
        write_node_files(node, gate)
    with ThreadPoolExecutor(len(NODES)) as pool:
        list(pool.map(kubelet.restart, NODES))
    if not processes.wait_for(lambda: all(gate_served(n) == gate for n in CONTROL_PLANE), timeout, interval=1):
        raise RuntimeError(f"the apiservers did not come back with EphemeralContainers={gate}")
    wait_healthy(timeout)


def down() -> list[str]:
    """Stop everything of the cluster; returns what had to be cleaned up by force."""
    forced = []
    for node in NODES:
        processes.stop(node, "kubelet")
    for node in NODES:
        containerd.remove_all_containers(node)
        processes.stop(node, "containerd")
        left = processes.pids_rooted_under([node.run_dir, node.state_dir, node.containerd_root])
        if left:
            forced.append(f"{node.node_name}: killed {len(left)} leftover processes")
            processes.kill_all(left)
        namespaces.stop(node)
        teardown.remove_cgroups(node)
    processes.stop(CLUSTER, "haproxy")
    forced += teardown.down(CLUSTER)
    return forced


def leftovers() -> list[str]:
    found = teardown.leftovers(CLUSTER)
    for node in NODES:
        found += [f"cgroup {d}" for d in kubelet.cgroup_dirs(node) if d.exists()]
        if namespaces.host_veth(node) in _links():
            found.append(f"network device {namespaces.host_veth(node)}")
        found += [f"namespace holder {pid} of {node.node_name}" for pid in namespaces.holders(node)
                  if processes.alive(pid)]
    return found


def _links() -> set[str]:
    return {p.name for p in Path("/sys/class/net").iterdir()}
