"""Each node of a multi-node mode in a network and mount namespace of its own, on a bridge of the host's; a kubelet
era (legacy-1.16, ...) in a mount namespace of its own.

A holder process (``unshare --mount --net ... sleep``) keeps the namespaces; the node's containerd and kubelet enter
them with nsenter (``Node.enter``). The bridge has no route out and the host does not forward for it: every address
stays on this machine.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from . import processes
from .eras import KubeletEra
from .multinode import BRIDGE, GATEWAY, PREFIX_LENGTH, Node


def _ip(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(["ip", *args], capture_output=True, text=True, check=check)


def ensure_bridge() -> None:
    if not Path(f"/sys/class/net/{BRIDGE}").exists():
        _ip("link", "add", BRIDGE, "type", "bridge")
        _ip("addr", "add", f"{GATEWAY}/{PREFIX_LENGTH}", "dev", BRIDGE)
    _ip("link", "set", BRIDGE, "up")


def host_veth(node: Node) -> str:
    return f"kdha-{node.short}"  # at most 15 characters


def start_holder(era: Node | KubeletEra, net: bool) -> int:
    """The holder of ``era``'s namespaces: a mount namespace of its own, and a network one when ``net``."""
    holder = processes.start(era, "holder", ["unshare", "--mount", *(["--net"] if net else []), "--propagation",
                                             "private", "--", "bash", "-c", f"exec -a {era.holder_name} sleep infinity"])
    if not processes.wait_for(lambda: os.readlink(f"/proc/{holder}/ns/mnt") != os.readlink("/proc/self/ns/mnt"),
                              10, interval=0.05):
        raise RuntimeError(f"{era.name}: unshare did not make its namespaces")
    return holder


def bind_pod_logs(era: Node | KubeletEra) -> None:
    """The era's own directories over the kubelet's fixed pod log directories, inside its mount namespace."""
    for target, source in era.pod_log_dirs.items():
        source.mkdir(parents=True, exist_ok=True)
        Path(target).mkdir(parents=True, exist_ok=True)
        _inside(era, "mount", "--bind", str(source), target, check=True)


def start(node: Node) -> None:
    """The node's namespaces with its address on the bridge and its own pod log directories."""
    if processes.pid_of(node, "holder"):
        return
    holder = start_holder(node, net=True)
    if Path(f"/sys/class/net/{host_veth(node)}").exists():  # left by a killed run
        _ip("link", "delete", host_veth(node), check=False)
    _ip("link", "add", host_veth(node), "type", "veth", "peer", "name", "eth0", "netns", str(holder))
    _ip("link", "set", host_veth(node), "master", BRIDGE, "up")
    for argv in (["ip", "link", "set", "lo", "up"], ["ip", "addr", "add", f"{node.ip}/{PREFIX_LENGTH}", "dev", "eth0"],
                 ["ip", "link", "set", "eth0", "up"]):
        _inside(node, *argv, check=True)
    bind_pod_logs(node)


def start_own_logs(era: KubeletEra) -> None:
    """A kubelet era's mount namespace with its own pod log directories (the host's network)."""
    if not processes.pid_of(era, "holder"):
        start_holder(era, net=False)
        bind_pod_logs(era)


def _inside(era: Node | KubeletEra, *argv: str, check: bool = False) -> subprocess.CompletedProcess:
    return subprocess.run([*era.enter(), *argv], capture_output=True, text=True, check=check)


def holders(era: Node | KubeletEra) -> list[int]:
    """Every process holding the era's namespaces, also one whose pid file is gone."""
    found = []
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as cmdline:
                if cmdline.read().split(b"\0", 1)[0] == era.holder_name.encode():
                    found.append(int(entry))
        except OSError:
            continue
    return found


def stop_holder(era: Node | KubeletEra) -> None:
    """Kill the holder: with the last process inside gone, the namespaces and every mount in them go too."""
    processes.kill(era, "holder")
    processes.kill_all(holders(era))


def stop(node: Node) -> None:
    stop_holder(node)
    _ip("link", "delete", host_veth(node), check=False)


def delete_bridge() -> None:
    _ip("link", "delete", BRIDGE, check=False)
