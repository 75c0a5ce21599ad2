"""Handles on the clusters the integration tests run against: the test bed's eras, or KUBECONFIG."""

from __future__ import annotations

import dataclasses
import subprocess
from pathlib import Path

import kubernetes
# tests/cluster is on pytest's pythonpath (pytest.ini); the benchmarks put it on sys.path themselves.
from testbed import cluster as testbed_cluster
from testbed import eras as testbed_eras
from testbed import scale as testbed_scale
from testbed import teardown as testbed_teardown

CLUSTER_DIR = Path(__file__).resolve().parents[2] / "cluster"


@dataclasses.dataclass
class Cluster:
    name: str
    kubeconfig: Path
    era: testbed_eras.Era | None  # None for a user's cluster given by KUBECONFIG

    @property
    def is_testbed(self) -> bool:
        return self.era is not None

    def api_client(self) -> kubernetes.client.ApiClient:
        return kubernetes.config.new_client_from_config(config_file=str(self.kubeconfig))

    def core(self) -> kubernetes.client.CoreV1Api:
        return kubernetes.client.CoreV1Api(self.api_client())

    def kubectl(self, *args: str, check: bool = True, timeout: float = 120) -> subprocess.CompletedProcess:
        binary = str(self.era.bin_dir / "kubectl") if self.era else "kubectl"
        return subprocess.run([binary, f"--kubeconfig={self.kubeconfig}", *args], capture_output=True,
                              text=True, check=check, timeout=timeout)

    @property
    def audit_log(self) -> Path | None:
        return self.era.audit_log if self.era else None

    def set_gate(self, on: bool) -> None:
        testbed_cluster.set_gate(self.era, on)

    def gate_enabled(self) -> bool:
        return testbed_cluster.subresource_enabled(self.era)

    def kill_apiserver(self) -> None:
        testbed_cluster.kill_apiserver(self.era)

    def start_apiserver(self) -> float:
        return testbed_cluster.start_apiserver(self.era)

    def reconfigure(self, settings: testbed_scale.Settings) -> float:
        """The scale era brought to ``settings`` (kube-apiserver restarted for other inflight limits)."""
        return testbed_cluster.up(self.era, settings=settings)


def start_testbed(era_name: str, gate: bool = False) -> tuple[Cluster, bool]:
    """Start the era unless it already runs; returns the handle and whether we started it."""
    era = testbed_eras.era(era_name)
    started = False
    if not testbed_cluster.running(era):
        testbed_teardown.down(era)  # leftovers of an earlier, killed run
        testbed_cluster.up(era, gate=gate)
        started = True
    return Cluster(era_name, era.kubeconfig, era), started


def stop_testbed(cluster: Cluster) -> list[str]:
    testbed_teardown.down(cluster.era)
    return testbed_teardown.leftovers(cluster.era)
