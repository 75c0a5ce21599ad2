"""haproxy in front of the three apiservers, as kubespray and kubeadm's HA guide put it: TCP, health-checked.

The check asks each apiserver's /readyz every second (anonymous access to it is on by default), so a server that
is shutting down (its /readyz fails at once) is taken out within a second; a refused connection is retried on
another server (``retries`` + ``option redispatch``). The runtime API (``haproxy_socket``) can drain a server first.

``restart(check)`` swaps in another health check, for the measurements in docs/feature-gates.md: ``tcp`` only opens
a connection (every 2 s, 2 failures to take a server out) and does not redispatch, as a plain TCP load balancer does.
"""

from __future__ import annotations

import socket

from . import processes
from .multinode import CLUSTER, CONTROL_PLANE, GATEWAY


CHECKS = {
    "readyz": ("  retries 3\n  option redispatch\n",
               "  option httpchk GET /readyz\n  http-check expect status 200\n"
               "  default-server check check-ssl verify none inter 1s fall 1 rise 2\n"),
    "tcp": ("", "  default-server check inter 2s fall 2 rise 2\n"),
}


def config(check: str = "readyz") -> str:
    servers = "\n".join(f"  server {n.node_name} {n.ip}:{n.apiserver_port}" for n in CONTROL_PLANE)
    retry, health = CHECKS[check]
    return f"""global
  stats socket {CLUSTER.haproxy_socket} mode 600 level admin
  maxconn 2000

defaults
  mode tcp
  timeout connect 2s
  timeout client 1h
  timeout server 1h
{retry}
frontend apiserver
  bind 127.0.0.1:{CLUSTER.apiserver_port}
  bind {GATEWAY}:{CLUSTER.apiserver_port}
  default_backend apiservers

backend apiservers
  balance roundrobin
{health}{servers}
"""


def start(check: str = "readyz") -> None:
    if processes.pid_of(CLUSTER, "haproxy"):
        return
    path = CLUSTER.state_dir / "haproxy.cfg"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(config(check))
    CLUSTER.run_dir.mkdir(parents=True, exist_ok=True)
    processes.start(CLUSTER, "haproxy", ["haproxy", "-db", "-f", str(path)])
    if not processes.wait_for(CLUSTER.haproxy_socket.exists, 10, interval=0.1):
        raise RuntimeError("haproxy did not start:\n" + processes.tail(CLUSTER.state_dir / "log" / "haproxy.log"))


def command(line: str) -> str:
    """One command on haproxy's runtime API (e.g. ``show servers state``, ``set server apiservers/kd-cp2 state drain``)."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
        conn.settimeout(5)
        conn.connect(str(CLUSTER.haproxy_socket))
        conn.sendall(line.encode() + b"\n")
        chunks = []
        while chunk := conn.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks).decode()


def servers_up() -> dict[str, bool]:
    """Which apiservers haproxy sends traffic to now."""
    states = {}
    for line in command("show stat").splitlines():
        fields = line.split(",")
        if len(fields) > 17 and fields[0] == "apiservers" and fields[1] not in ("BACKEND", "FRONTEND"):
            states[fields[1]] = fields[17].startswith("UP")
    return states


def restart(check: str = "readyz") -> None:
    """haproxy again with the health check ``check`` (a few hundred ms without a load balancer)."""
    processes.stop(CLUSTER, "haproxy")
    CLUSTER.haproxy_socket.unlink(missing_ok=True)
    start(check)
