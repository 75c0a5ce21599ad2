"""The version matrix: one small era per Kubernetes minor from 1.16 to 1.28, running only etcd and kube-apiserver.

No kubelet, scheduler or controller-manager: a pod is created without a node and stays Pending, and what the
collection's modules do on such a server (discovery, the subresource's write, dry run, validation) is all the
apiserver's own. So each minor costs one kube-apiserver build and two processes. ``make test-matrix`` runs
tests/integration/test_matrix_*.py on every minor here.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from . import api, build, control_plane, pki, processes, teardown
from .eras import ALL_ERAS, CACHE_ROOT, Era

# The newest patch of each minor on the Go module proxy (checked 2026-12-07: one patch more answers 403).
# 1.18.20's staging modules (k8s.io/api v0.18.20, ...) were never published, so no module build of it exists.
VERSIONS = {
    16: "v1.16.15", 17: "v1.17.17", 18: "v1.18.19", 19: "v1.19.16", 20: "v1.20.15", 21: "v1.21.14", 22: "v1.22.17",
    23: "v1.23.17", 24: "v1.24.17", 25: "v1.25.16", 26: "v1.26.15", 27: "v1.27.16", 28: "v1.28.15",
}
# The subset to build and run first: one minor of each API shape and gate stage the collection handles.
REPRESENTATIVE = (16, 18, 22, 25)
# A Go toolchain (from the module proxy, GOTOOLCHAIN) for a minor that today's Go cannot build; none needed so far.
TOOLCHAINS: dict[int, str] = {}
TIMES = CACHE_ROOT / "matrix" / "build-times.tsv"  # version, seconds, toolchain, date: for tests/cluster/README.md


def port_prefix(minor: int) -> int:
    """20 for 1.16 ... 32 for 1.28: clear of the other eras (10, 14-19) and below Linux's ephemeral ports
    (32768 and up), so no client's outgoing connection can hold a listener's port."""
    return minor + 4


def era(minor: int) -> Era:
    if minor not in VERSIONS:
        raise SystemExit(f"the version matrix has no 1.{minor}: choose one of {', '.join(f'1.{m}' for m in VERSIONS)}")
    return Era(f"matrix-1.{minor}", VERSIONS[minor], port_prefix(minor), "", "", static_control_plane=False)


def _shared_era(matrix_era: Era) -> Era | None:
    """The test bed's full era of the same release (1.21: legacy; 1.16 and 1.19: the kubelet eras), whose binaries
    the matrix reuses as built."""
    return next((e for e in ALL_ERAS.values() if e.version == matrix_era.version), None)


def built(minor: int) -> bool:
    chosen = era(minor)
    shared = _shared_era(chosen)
    if shared is not None:
        return build.binaries_current(shared)
    return build.binaries_current(chosen, ("kube-apiserver",))


def ensure_built(minor: int) -> float:
    """kube-apiserver of 1.<minor>; returns the build's seconds (0: cached) and records them in TIMES."""
    chosen = era(minor)
    shared = _shared_era(chosen)
    if shared is not None:
        return build.ensure_binaries(shared)
    env = {"GOTOOLCHAIN": TOOLCHAINS[minor]} if minor in TOOLCHAINS else None
    seconds = build.ensure_binaries(chosen, ("kube-apiserver",), env=env)
    if seconds:
        TIMES.parent.mkdir(parents=True, exist_ok=True)
        with open(TIMES, "a") as times:
            times.write(f"{chosen.version}\t{seconds:.0f}\t{TOOLCHAINS.get(minor, 'default')}\t{time.strftime('%Y-%m-%d')}\n")
    return seconds


def apiserver_binary(minor: int) -> Path:
    chosen = era(minor)
    return (_shared_era(chosen) or chosen).bin_dir / "kube-apiserver"


def apiserver_args(minor: int, gate: bool | None) -> list[str]:
    chosen = era(minor)
    # No controller-manager makes the namespaces' default ServiceAccount, so its admission plugin would refuse
    # every pod.
    return [*control_plane.apiserver_args(chosen, chosen.pki_dir, gate), "--disable-admission-plugins=ServiceAccount"]


def up(minor: int, gate: bool | None = None, timeout: float = 120) -> float:
    """Start 1.<minor> (built first when needed), the gate as that release ships it (``None``) or set; a
    running one is restarted when its gate differs. Returns the seconds until /readyz."""
    ensure_built(minor)
    chosen = era(minor)
    if running(minor) and gate_flag(minor) == gate:
        return 0.0
    started = time.monotonic()
    pki.ensure_pki(chosen)
    pki.write_kubeconfig(chosen.kubeconfig, chosen, chosen.pki_dir, "admin")
    control_plane.start_etcd(chosen)
    processes.stop(chosen, "kube-apiserver")
    processes.start(chosen, "kube-apiserver", [str(apiserver_binary(minor)), *apiserver_args(minor, gate)])
    (chosen.run_dir / "gate").write_text(_gate_text(gate))
    control_plane.wait_apiserver(chosen, timeout)
    return time.monotonic() - started


def _gate_text(gate: bool | None) -> str:
    return "default" if gate is None else str(gate).lower()


def gate_flag(minor: int) -> bool | None:
    """The gate flag the running apiserver was started with (None: no flag)."""
    try:
        text = (era(minor).run_dir / "gate").read_text()
    except OSError:
        return None
    return None if text == "default" else text == "true"


def running(minor: int) -> bool:
    chosen = era(minor)
    try:
        return processes.pid_of(chosen, "kube-apiserver") is not None and api.apiserver_ready(chosen)
    except OSError:
        return False


def refusal(minor: int, gate: bool, timeout: float = 60) -> tuple[int, str]:
    """Start a second kube-apiserver of 1.<minor> with ``--feature-gates=EphemeralContainers=<gate>`` on the
    running era's etcd and PKI but its own port, and return its exit code and output (it must refuse to start;
    killed after ``timeout`` otherwise, exit code -9)."""
    chosen = era(minor)
    args = [a for a in apiserver_args(minor, gate) if not a.startswith(("--secure-port=", "--audit-log-path="))]
    args += [f"--secure-port={chosen.port(444)}", f"--audit-log-path={chosen.state_dir / 'log' / 'refused-audit.log'}"]
    try:
        proc = subprocess.run([str(apiserver_binary(minor)), *args], capture_output=True, text=True, timeout=timeout,
                              check=False)
    except subprocess.TimeoutExpired as expired:
        out = (expired.stdout or b"") + (expired.stderr or b"")
        return -9, out.decode(errors="replace") if isinstance(out, bytes) else out
    return proc.returncode, proc.stdout + proc.stderr


def down(minor: int) -> list[str]:
    """Stop 1.<minor>; returns what is left behind (nothing after a clean stop)."""
    chosen = era(minor)
    teardown.down(chosen)
    return teardown.leftovers(chosen)


def build_all(minors: list[int]) -> dict[int, str]:
    """Build each minor in turn, going on past failures; returns minor -> 'built in N s', 'cached' or the error."""
    outcome = {}
    for minor in minors:
        try:
            seconds = ensure_built(minor)
            outcome[minor] = f"built in {seconds:.0f} s" if seconds else "cached"
        except (subprocess.CalledProcessError, RuntimeError) as error:
            outcome[minor] = f"FAILED: {error}"
        print(f"1.{minor} ({VERSIONS[minor]}): {outcome[minor]}", file=sys.stderr, flush=True)
    return outcome


def built_minors() -> list[int]:
    return [m for m in VERSIONS if built(m)]
