"""Certificates and keys for one era, made once with openssl and reused on later starts."""

from __future__ import annotations

import subprocess
from pathlib import Path

from .eras import Era

# (file stem, subject, extended key usage, subjectAltName or None)
SERVER_SANS = (
    "IP:127.0.0.1,DNS:localhost,IP:10.96.0.1,DNS:kubernetes,DNS:kubernetes.default,"
    "DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
)


def _leaves(kubelets: dict[str, str], extra_sans: str) -> list[tuple[str, str, str, str | None]]:
    return [
        ("apiserver", "/CN=kube-apiserver", "serverAuth", SERVER_SANS + extra_sans),
        ("admin", "/O=system:masters/CN=kubernetes-admin", "clientAuth", None),
        ("apiserver-kubelet-client", "/O=system:masters/CN=kube-apiserver-kubelet-client", "clientAuth", None),
        *((stem, f"/O=system:nodes/CN=system:node:{node}", "clientAuth", None) for stem, node in kubelets.items()),
        ("controller-manager", "/CN=system:kube-controller-manager", "clientAuth", None),
        ("scheduler", "/CN=system:kube-scheduler", "clientAuth", None),
        # The scale era's kwok writes every node's and pod's status; a system: name keeps its writes
        # apart from clients' in the audit log.
        ("kwok", "/O=system:masters/CN=system:kwok-controller", "clientAuth", None),
    ]


def _openssl(*args: str) -> None:
    subprocess.run(["openssl", *args], check=True, capture_output=True)


def _key(path: Path) -> None:
    _openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", str(path))


def ensure_pki(era: Era, kubelets: dict[str, str] | None = None, extra_sans: str = "") -> Path:
    """The era's CA and leaves; ``kubelets`` maps a certificate's file stem to its node's name (default: one
    kubelet, ``kubelet``, for the era's node), ``extra_sans`` are more subjectAltNames of the apiserver."""
    pki = era.state_dir / "pki"
    pki.mkdir(parents=True, exist_ok=True)
    ca_key, ca_crt = pki / "ca.key", pki / "ca.crt"
    if not ca_crt.exists():
        _key(ca_key)
        _openssl("req", "-x509", "-new", "-key", str(ca_key), "-out", str(ca_crt), "-days", "3650",
                 "-subj", f"/CN=kubedebug-testbed-{era.name}-ca")
    for stem, subject, usage, sans in _leaves(kubelets or {"kubelet": era.node_name}, extra_sans):
        crt = pki / f"{stem}.crt"
        if crt.exists():
            continue
        key, csr, ext = pki / f"{stem}.key", pki / f"{stem}.csr", pki / f"{stem}.ext"
        _key(key)
        _openssl("req", "-new", "-key", str(key), "-out", str(csr), "-subj", subject)
        lines = ["basicConstraints=CA:FALSE", "keyUsage=digitalSignature,keyEncipherment", f"extendedKeyUsage={usage}"]
        if sans:
            lines.append(f"subjectAltName={sans}")
        ext.write_text("\n".join(lines) + "\n")
        _openssl("x509", "-req", "-in", str(csr), "-CA", str(ca_crt), "-CAkey", str(ca_key), "-CAcreateserial",
                 "-out", str(crt), "-days", "3650", "-extfile", str(ext))
    if not (pki / "sa.key").exists():
        _openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", str(pki / "sa.key"))
        _openssl("pkey", "-in", str(pki / "sa.key"), "-pubout", "-out", str(pki / "sa.pub"))
    return pki


def write_kubeconfig(path: Path, era: Era, pki: Path, user: str, server: str | None = None) -> Path:
    """A kubeconfig that authenticates with the client certificate named ``user``, for ``server`` (default: the
    era's apiserver on 127.0.0.1)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"""apiVersion: v1
kind: Config
clusters:
- name: kubedebug-{era.name}
  cluster:
    server: {server or f"https://127.0.0.1:{era.apiserver_port}"}
    certificate-authority: {pki / 'ca.crt'}
users:
- name: {user}
  user:
    client-certificate: {pki / (user + '.crt')}
    client-key: {pki / (user + '.key')}
contexts:
- name: kubedebug-{era.name}
  context:
    cluster: kubedebug-{era.name}
    user: {user}
    namespace: default
current-context: kubedebug-{era.name}
""")
    return path
