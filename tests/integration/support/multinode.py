"""The multi-node legacy cluster (tests/cluster: ``testbed.sh up legacy-ha``) for the integration tests: starting it,
the generated inventory, the playbook run against it, and what the tests watch while a rollout runs."""

from __future__ import annotations

import json
import re
import ssl
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from support import clusters
from support.ansible import REPO, run_playbook
from testbed import ha  # importable once support.clusters has set the path
from testbed import multinode as topology

CLUSTER = topology.CLUSTER
CONTROL_PLANE = topology.CONTROL_PLANE
WORKERS = topology.WORKERS
NODES = topology.NODES
PLAYBOOK = REPO / "playbooks" / "enable_feature_gates.yml"
RECAP = re.compile(r"^(\S+)\s*:\s*ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)\s+skipped=(\d+)"
                   r"\s+rescued=(\d+)\s+ignored=(\d+)", re.M)


def start() -> tuple[clusters.Cluster, bool]:
    """Start legacy-ha unless it runs (gate off everywhere); returns the handle and whether we started it."""
    started = False
    if not ha.running():
        ha.down()  # leftovers of an earlier, killed run
        try:
            seconds = ha.up()
        except BaseException:
            ha.down()  # a cluster that did not come up is not left running for the rest of the suite
            raise
        print(f"\nlegacy-ha up in {seconds:.1f} s")  # noqa: T201  (the warm start time, shown with -s)
        started = True
    return clusters.Cluster(CLUSTER.name, CLUSTER.kubeconfig, CLUSTER), started


def node_files(node: topology.Node) -> list[Path]:
    files = [node.kubelet_config]
    if node.control_plane:
        files += [node.manifests_dir / "kube-apiserver.yaml", node.manifests_dir / "kube-scheduler.yaml"]
    return files


def all_files() -> list[Path]:
    return [path for node in NODES for path in node_files(node)]


def gate_off_everywhere() -> bool:
    """No gate in any file the role edits, and no apiserver serving the subresource: a stock 1.21 cluster."""
    files_off = all(b"--feature-gates" not in path.read_bytes() and b"featureGates" not in path.read_bytes()
                    for path in all_files())
    return files_off and not any(ha.gate_served(node) for node in CONTROL_PLANE)


def snapshot() -> dict[Path, bytes]:
    return {path: path.read_bytes() for path in all_files()}


def stats() -> dict[Path, tuple[int, int]]:
    return {path: (path.stat().st_ino, path.stat().st_mtime_ns) for path in all_files()}


@dataclass
class Run:
    proc: object
    seconds: float
    recap: dict[str, dict[str, int]]

    @property
    def changed(self) -> int:
        return sum(host["changed"] for host in self.recap.values())

    @property
    def failed(self) -> int:
        return sum(host["failed"] for host in self.recap.values())

    def text(self) -> str:
        return f"rc={self.proc.returncode}\n{self.proc.stdout[-6000:]}\n{self.proc.stderr[-2000:]}"


def run(inventory: Path | None = None, playbook: Path = PLAYBOOK, timeout: float = 1200, **extra: object) -> Run:
    """ansible-playbook <playbook> -i <generated inventory>, as an operator runs it."""
    started = time.monotonic()
    proc = run_playbook(playbook, extra_vars=extra or None, inventory=str(inventory or CLUSTER.inventory),
                        timeout=timeout)
    fields = ("ok", "changed", "unreachable", "failed", "skipped", "rescued", "ignored")
    recap = {m.group(1): dict(zip(fields, map(int, m.groups()[1:]))) for m in RECAP.finditer(proc.stdout)}
    assert recap, f"no PLAY RECAP (rc={proc.returncode}):\n{proc.stdout[-4000:]}\n{proc.stderr[-2000:]}"
    return Run(proc, time.monotonic() - started, recap)


def inventory_with(path: Path, host_vars: dict[str, dict]) -> Path:
    """The generated inventory with more variables on some hosts, written to ``path``."""
    document = json.loads(CLUSTER.inventory.read_text())
    for group in document["all"]["children"].values():
        for host, values in group["hosts"].items():
            values.update(host_vars.get(host, {}))
    path.write_text(json.dumps(document, indent=2))
    return path


def inventory_of(path: Path, *nodes: topology.Node) -> Path:
    """The generated inventory with only ``nodes`` as hosts (in their groups), written to ``path``."""
    document = json.loads(CLUSTER.inventory.read_text())
    wanted = {node.node_name for node in nodes}
    for group in document["all"]["children"].values():
        group["hosts"] = {host: values for host, values in group["hosts"].items() if host in wanted}
    path.write_text(json.dumps(document, indent=2))
    return path


def _context() -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=str(CLUSTER.pki_dir / "ca.crt"))
    context.load_cert_chain(str(CLUSTER.pki_dir / "admin.crt"), str(CLUSTER.pki_dir / "admin.key"))
    return context


class _Sampler:
    """Calls ``sample()`` every ``interval`` seconds on a background thread while the ``with`` block runs."""

    interval: float
    join_timeout: float = 10.0

    def sample(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> "_Sampler":
        self._stop = threading.Event()

        def loop() -> None:
            while not self._stop.is_set():
                began = time.monotonic()
                self.sample()
                self._stop.wait(max(0.0, self.interval - (time.monotonic() - began)))

        self._thread = threading.Thread(target=loop, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join(self.join_timeout)


@dataclass
class ApiProbe(_Sampler):
    """GET a namespace through the load balancer every ``interval`` seconds, each on a new connection (as kubectl
    and most controllers reconnect), and keep every answer: the API as the cluster's users see it."""

    url: str = f"{CLUSTER.lb_url}/api/v1/namespaces/kube-system"
    interval: float = 0.25
    timeout: float = 5.0
    answers: list[tuple[float, float, str]] = field(default_factory=list)  # (sent, took, "" or the error)

    def __enter__(self) -> "ApiProbe":
        self._context = _context()
        self.join_timeout = self.timeout + 2
        super().__enter__()
        return self

    def sample(self) -> None:
        sent = time.monotonic()
        error = ""
        try:
            with urllib.request.urlopen(self.url, context=self._context, timeout=self.timeout) as answer:
                answer.read()
        except Exception as failure:  # every kind of failure counts, and is kept by name
            error = f"{type(failure).__name__}: {failure}"[:200]
        self.answers.append((sent, time.monotonic() - sent, error))

    def summary(self) -> dict:
        if not self.answers:
            return {"requests": 0}
        ok_times = [sent + took for sent, took, error in self.answers if not error]
        first, last = self.answers[0][0], self.answers[-1][0] + self.answers[-1][1]
        edges = [first, *ok_times, last]
        failures = [(round(sent - first, 1), error) for sent, _took, error in self.answers if error]
        return {
            "requests": len(self.answers),
            "per_second": round(len(self.answers) / max(last - first, 0.001), 2),
            "failed": len(failures),
            "longest_gap_s": round(max(b - a for a, b in zip(edges, edges[1:])), 2),
            "slowest_s": round(max(took for _sent, took, _error in self.answers), 2),
            "first_failures": failures[:5],
        }


@dataclass
class NodeWatch(_Sampler):
    """Every second: which apiservers answer /readyz directly; gives each one's down time."""

    interval: float = 1.0
    samples: list[tuple[float, dict[str, bool]]] = field(default_factory=list)

    def __enter__(self) -> "NodeWatch":
        super().__enter__()
        return self

    def sample(self) -> None:
        now = time.monotonic()
        self.samples.append((now, {f"apiserver {k}": v for k, v in ha.apiservers_ready().items()}))

    def down_seconds(self) -> dict[str, float]:
        """Seconds each apiserver did not answer /readyz (to the second)."""
        down: dict[str, float] = {}
        for (start, state), (end, _next) in zip(self.samples, self.samples[1:]):
            for name, up in state.items():
                down[name] = round(down.get(name, 0.0) + (0 if up else end - start), 1)
        return down
