"""Old kubelets for real: legacy-1.16 (v1.16.15) and legacy-1.19 (v1.19.16), each one node of a kubelet and
containerd running kube-apiserver and kube-scheduler as static pods from the manifests the feature_gates role edits,
as the legacy era does for 1.21.

On each, from the gate off (no flag, no featureGates key, as kubeadm of that release leaves a cluster): the preflight
names the release and the gate; the role turns the gate on in both manifests and the kubelet's config, and a second
run changes nothing; an ephemeral container runs to its end, its exit code and logs come back and
ephemeral_container_info reads the same; the role removes the gate, a second run changes nothing, and the apiserver
no longer serves the subresource. Marked kubelet_eras: `make test-kubelet-eras`, not `make test`.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from support import clusters
from support.ephemeral import delete_namespace, ephemeral_status, only_result, raw_pod, run_ec, run_info
from support.feature_gates import discovery, feature_gate_flags, kubelet_effective_gates, ok, run_role
from support.figures import record
from support.lifecycle import run_preflight
from support.pods import IMAGES, create_and_wait, new_namespace, tools_pod

ERAS = ("legacy-1.16", "legacy-1.19")
SUBRESOURCE = "pods/ephemeralcontainers"

pytestmark = [pytest.mark.kubelet_eras, pytest.mark.parametrize("kubelet_era", ERAS, indirect=True)]


def _gate_in_files(era) -> dict[str, bool]:
    """Where the files the role edits set the gate: the two manifests' --feature-gates, the kubelet's featureGates."""
    found = {name: feature_gate_flags((era.manifests_dir / f"{name}.yaml").read_bytes())
             == ["--feature-gates=EphemeralContainers=true"] for name in ("kube-apiserver", "kube-scheduler")}
    found["kubelet"] = (yaml.safe_load(era.kubelet_config.read_text()).get("featureGates") or {}) \
        == {"EphemeralContainers": True}
    return found


def _role(era, backups: Path, seconds: dict[str, float], label: str, **extra: object) -> dict[str, int]:
    proc, recap, seconds[label] = run_role(era, backups, **extra)
    assert proc.returncode == 0 and recap["failed"] == 0, ok(proc)
    return recap


def test_gate_on_ephemeral_container_logs_and_gate_off(kubelet_era: clusters.Cluster, tmp_path: Path):
    cluster, era = kubelet_era, kubelet_era.era
    if cluster.gate_enabled():  # a kept era, left on by an earlier, interrupted run
        cluster.set_gate(False)
    assert _gate_in_files(era) == {"kube-apiserver": False, "kube-scheduler": False, "kubelet": False}
    ns = new_namespace(cluster.core(), "kubelet-eras")
    seconds: dict[str, float] = {}
    try:
        create_and_wait(cluster.core(), ns, tools_pod("job"))

        preflight = run_preflight(cluster, {"namespace": ns})
        assert not preflight.get("failed"), preflight.get("msg")
        assert preflight["server"]["git_version"] == era.version
        assert preflight["server"]["subresource_enabled"] is False and preflight["ready"] is False
        assert any(p.startswith("the EphemeralContainers feature gate is off") for p in preflight["problems"]), \
            preflight["problems"]

        assert _role(era, tmp_path / "backups", seconds, "on")["changed"] > 0
        assert _gate_in_files(era) == {"kube-apiserver": True, "kube-scheduler": True, "kubelet": True}
        assert SUBRESOURCE in discovery(cluster)
        assert kubelet_effective_gates(cluster).get("EphemeralContainers") is True
        assert _role(era, tmp_path / "backups", seconds, "on again")["changed"] == 0

        result = run_ec(cluster, {"namespace": ns, "pod": "job", "name": "oneshot", "image": IMAGES["tools"],
                                  "command": ["sh", "-c", f"echo hello from {era.version}; exit 3"], "wait": True,
                                  "wait_for": "terminated", "wait_timeout": 120, "logs": True})
        assert result["api_era"] == "ephemeral_containers" and result["server_version"] == era.version
        entry = only_result(result)
        assert entry["created"] is True and entry["status"]["state"] == "terminated", entry["status"]
        assert entry["status"]["exit_code"] == 3 and entry["status"]["container_id"].startswith("containerd://")
        assert entry["logs"] == f"hello from {era.version}\n"
        raw = ephemeral_status(raw_pod(cluster, ns, "job"), "oneshot")
        assert raw["state"]["terminated"]["exitCode"] == 3

        info = run_info(cluster, {"namespace": ns, "pod": "job", "logs": True})
        assert info["changed"] is False and info["server"]["subresource_enabled"] is True
        (seen,) = info["pods"][0]["ephemeral_containers"]
        assert seen["status"]["exit_code"] == 3 and seen["logs"] == f"hello from {era.version}\n"

        assert _role(era, tmp_path / "backups", seconds, "off", feature_gates_state="absent")["changed"] > 0
        assert _gate_in_files(era) == {"kube-apiserver": False, "kube-scheduler": False, "kubelet": False}
        assert SUBRESOURCE not in discovery(cluster)
        assert "EphemeralContainers" not in kubelet_effective_gates(cluster)
        assert _role(era, tmp_path / "backups", seconds, "off again", feature_gates_state="absent")["changed"] == 0
        # The workload lived through both kubelet restarts.
        pod = cluster.core().read_namespaced_pod("job", ns)
        assert pod.status.phase == "Running" and pod.status.container_statuses[0].restart_count == 0
    finally:
        record(f"kubelet_eras {era.name}", role_seconds=seconds)
        delete_namespace(cluster, ns)
