"""Each node of a multi-node mode in a network and mount namespace of its own, on a bridge of the host's.

A holder process (``unshare --mount --net ... sleep``) keeps the namespaces; the node's containerd and kubelet enter
them with nsenter (``Node.enter``). The bridge has no route out and the host does not forward for it: every address
stays on this machine.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from . import processes
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


def start(node: Node) -> None:
    """The node's namespaces with its address on the bridge and its own pod log directories."""
    if processes.pid_of(node, "holder"):
        return
    holder = processes.start(node, "holder", ["unshare", "--mount", "--net", "--propagation", "private", "--",
                                              "bash", "-c", f"exec -a {node.holder_name} sleep infinity"])
    if not processes.wait_for(lambda: os.readlink(f"/proc/{holder}/ns/net") != os.readlink("/proc/self/ns/net"),
                              10, interval=0.05):
        raise RuntimeError(f"{node.node_name}: unshare did not make its namespaces")
    if Path(f"/sys/class/net/{host_veth(node)}").exists():  # left by a killed run
        _ip("link", "delete", host_veth(node), check=False)
    _ip("link", "add", host_veth(node), "type", "veth", "peer", "name", "eth0", "netns", str(holder))
    _ip("link", "set", host_veth(node), "master", BRIDGE, "up")
    for argv in (["ip", "link", "set", "lo", "up"], ["ip", "addr", "add", f"{node.ip}/{PREFIX_LENGTH}", "dev", "eth0"],
                 ["ip", "link", "set", "eth0", "up"]):
        _inside(node, *argv, check=True)
    for target, source in node.pod_log_dirs.items():
        source.mkdir(parents=True, exist_ok=True)
        Path(target).mkdir(parents=True, exist_ok=True)
        _inside(node, "mount", "--bind", str(source), target, check=True)


def _inside(node: Node, *argv: str, check: bool = False) -> subprocess.CompletedProcess:
    return subprocess.run([*node.enter(), *argv], capture_output=True, text=True, check=check)


def holders(node: Node) -> list[int]:
    """Every process holding the node's namespaces, also one whose pid file is gone."""
    found = []
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as cmdline:
                if cmdline.read().split(b"\0", 1)[0] == node.holder_name.encode():
                    found.append(int(entry))
        except OSError:
            continue
    return found


def stop(node: Node) -> None:
    """Kill the holder: with the last process inside gone, the namespaces and every mount in them go too."""
    processes.kill(node, "holder")
    processes.kill_all(holders(node))
    _ip("link", "delete", host_veth(node), check=False)


def delete_bridge() -> None:
    _ip("link", "delete", BRIDGE, check=False)
