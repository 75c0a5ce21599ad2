"""etcd, kube-apiserver, kube-controller-manager and kube-scheduler for one era."""

from __future__ import annotations

from pathlib import Path

from . import api, build, processes
from .eras import Era

AUDIT_POLICY = """apiVersion: audit.k8s.io/v1
kind: Policy
# Tests read this log to prove that a task wrote nothing: every write is recorded,
# reads are not (they would drown the writes).
omitStages: ["RequestReceived"]
rules:
- level: Metadata
  verbs: ["create", "update", "patch", "delete", "deletecollection"]
- level: None
"""
# Benchmarks count every request of a client (module or kubectl, told apart by user agent): reads of
# the admin user too. Only the admin user: the kubelet's, kwok's and the controllers' would drown them.
AUDIT_READS_RULE = """- level: Metadata
  users: ["kubernetes-admin"]
"""


def audit_policy(era: Era) -> str:
    if not era.audits_reads:
        return AUDIT_POLICY
    head, rules = AUDIT_POLICY.split("rules:\n", 1)
    return head + "rules:\n" + AUDIT_READS_RULE + rules


def start_etcd(era: Era, address: str = "127.0.0.1") -> None:
    """etcd for the era's apiservers, its clients served on ``address``."""
    if processes.pid_of(era, "etcd"):
        return
    data = era.state_dir / "etcd"
    url = f"http://{address}:{era.etcd_port}"
    processes.start(era, "etcd", [
        etcd_binary(era), "--name", era.node_name, "--data-dir", str(data),
        "--listen-client-urls", url, "--advertise-client-urls", url,
        "--listen-peer-urls", f"http://127.0.0.1:{era.port(380)}",
        "--initial-advertise-peer-urls", f"http://127.0.0.1:{era.port(380)}",
        "--initial-cluster", f"{era.node_name}=http://127.0.0.1:{era.port(380)}",
        "--listen-metrics-urls", f"http://127.0.0.1:{era.port(381)}",
        "--quota-backend-bytes", str(2 * 1024 ** 3),
    ])
    if not processes.wait_for(lambda: api.http_ok(f"{url}/health"), 30):
        raise RuntimeError("etcd did not become healthy:\n" + processes.tail(era.state_dir / "log" / "etcd.log"))


def etcd_binary(era: Era) -> str:
    # Debian's etcd 3.4 has no watch progress requests, which the scale era's kwok needs.
    return str(build.tool_path("etcd")) if era.simulated else "etcd"


def apiserver_args(era: Era, pki: Path, gate: bool | None) -> list[str]:
    """kube-apiserver's flags; ``gate`` sets EphemeralContainers explicitly (legacy only)."""
    policy = era.state_dir / "audit-policy.yaml"
    policy.write_text(audit_policy(era))
    era.audit_log.parent.mkdir(parents=True, exist_ok=True)
    args = [
        "--advertise-address=127.0.0.1",
        "--bind-address=127.0.0.1",
        f"--secure-port={era.apiserver_port}",
        f"--etcd-servers=http://127.0.0.1:{era.etcd_port}",
        f"--client-ca-file={pki / 'ca.crt'}",
        f"--tls-cert-file={pki / 'apiserver.crt'}",
        f"--tls-private-key-file={pki / 'apiserver.key'}",
        f"--kubelet-client-certificate={pki / 'apiserver-kubelet-client.crt'}",
        f"--kubelet-client-key={pki / 'apiserver-kubelet-client.key'}",
        # kwok's nodes have their own names but the address 127.0.0.1; the real kubelet's node is
        # called localhost (it refuses a loopback node IP).
        f"--kubelet-preferred-address-types={'InternalIP' if era.simulated else 'Hostname'}",
        "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
        f"--service-account-key-file={pki / 'sa.pub'}",
        f"--service-account-signing-key-file={pki / 'sa.key'}",
        "--service-cluster-ip-range=10.96.0.0/16",
        "--authorization-mode=Node,RBAC",
        "--allow-privileged=true",
        # The Endpoints of the kubernetes Service may not be a loopback address.
        "--endpoint-reconciler-type=none",
        f"--audit-policy-file={policy}",
        f"--audit-log-path={era.audit_log}",
        "--audit-log-maxsize=100",
        "--profiling=false",
    ]
    if era.minor < 20:
        # Before 1.20 it also serves unauthenticated HTTP on 127.0.0.1:8080 unless told not to; kubeadm of those
        # releases said --insecure-port=0 (and two such apiservers would fight for the port).
        args.append("--insecure-port=0")
    if gate is not None:
        args.append(f"--feature-gates=EphemeralContainers={'true' if gate else 'false'}")
    return args


def controller_manager_args(era: Era, pki: Path) -> list[str]:
    return [
        f"--kubeconfig={era.state_dir / 'controller-manager.kubeconfig'}",
        f"--authentication-kubeconfig={era.state_dir / 'controller-manager.kubeconfig'}",
        f"--authorization-kubeconfig={era.state_dir / 'controller-manager.kubeconfig'}",
        "--bind-address=127.0.0.1",
        f"--secure-port={era.controller_manager_port}",
        f"--service-account-private-key-file={pki / 'sa.key'}",
        f"--root-ca-file={pki / 'ca.crt'}",
        "--use-service-account-credentials=true",
        "--leader-elect=false",
        # Up to 1.23 it also serves plain HTTP on 0.0.0.0:10252 unless told not to: two 1.21 control
        # planes at once (legacy and legacy-ha) would fight for that port.
        *(["--port=0"] if era.minor < 24 else []),
    ]


def scheduler_args(era: Era) -> list[str]:
    return [
        f"--kubeconfig={era.state_dir / 'scheduler.kubeconfig'}",
        f"--authentication-kubeconfig={era.state_dir / 'scheduler.kubeconfig'}",
        f"--authorization-kubeconfig={era.state_dir / 'scheduler.kubeconfig'}",
        "--bind-address=127.0.0.1",
        f"--secure-port={era.scheduler_port}",
        "--leader-elect=false",
        # Before 1.20 it also serves plain HTTP on 0.0.0.0:10251 unless told not to, as kubeadm of those releases
        # did; beside legacy's scheduler (which holds that port) it would exit.
        *(["--port=0"] if era.minor < 20 else []),
    ]


def start_host_process(era: Era, name: str, args: list[str]) -> None:
    if not processes.pid_of(era, name):
        processes.start(era, name, [str(era.bin_dir / name), *args])


def wait_apiserver(era: Era, timeout: float = 120) -> None:
    if not processes.wait_for(lambda: api.apiserver_ready(era), timeout):
        log = era.state_dir / "log" / "kube-apiserver.log"
        raise RuntimeError(f"kube-apiserver of {era.name} not ready after {timeout:.0f} s:\n{processes.tail(log)}")
