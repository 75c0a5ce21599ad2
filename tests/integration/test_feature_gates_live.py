"""The feature_gates role on the test bed's real legacy control plane (Kubernetes 1.21.14).

kube-apiserver and kube-scheduler run as static pods from the very manifests the role edits, started by a kubelet
that reads the very config file the role edits; the role restarts that kubelet through the test bed. Every scenario
starts from the gate-off state (no flag, no featureGates key, as on a stock 1.21 cluster) and leaves the cluster in
it. Runs the role through tests/integration/playbooks/feature_gates_legacy.yml.

Other engineers' legacy tests switch the gate with the harness (legacy_gate_on) and may share the cluster. The
harness writes its own templates then, which these tests recognise and name in their failure messages.
"""

from __future__ import annotations

import json
import os
import ssl
import time
import urllib.request
import warnings
from pathlib import Path

import pytest
import yaml

from support import clusters, feature_gates
from support.ansible import run_module
from support.ephemeral import delete_namespace
from support.feature_gates import discovery, feature_gate_flags, kubelet_effective_gates, ok
from support.pods import IMAGES, create_and_wait, tools_pod
from testbed import kubelet as testbed_kubelet  # importable once support.clusters has set the path
from testbed import processes as testbed_processes

pytestmark = pytest.mark.legacy

ERA = clusters.testbed_eras.era("legacy")
APISERVER = ERA.manifests_dir / "kube-apiserver.yaml"
SCHEDULER = ERA.manifests_dir / "kube-scheduler.yaml"
KUBELET_CONFIG = ERA.kubelet_config
FILES = (APISERVER, SCHEDULER, KUBELET_CONFIG)
SUBRESOURCE = "pods/ephemeralcontainers"
READYZ = f"https://127.0.0.1:{ERA.apiserver_port}/readyz"
BAD_GATE = "KubedebugNoSuchGate"
POD_LOGS = Path("/var/log/pods")  # the 1.21 kubelet's fixed pod log directory
# Durations of the role runs, written to tests/output/ at the end of the module (gitignored).
DURATIONS: dict[str, float] = {}
DURATIONS_FILE = Path(__file__).resolve().parents[1] / "output" / "feature_gates_live_durations.json"


# --- helpers ------------------------------------------------------------------------------------------------------

def run_role(backup_dir: Path, label: str, check: bool = False, diff: bool = False, **extra: object) -> tuple:
    """Run the playbook; returns (CompletedProcess, recap dict) and records the run time under ``label``."""
    proc, recap, DURATIONS[label] = feature_gates.run_role(ERA, backup_dir, check=check, diff=diff, **extra)
    return proc, recap


def readyz() -> int:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    try:
        with urllib.request.urlopen(READYZ, context=context, timeout=5) as answer:  # noqa: S310 (fixed https URL)
            return answer.status
    except OSError:
        return 0


def snapshot() -> dict[Path, bytes]:
    return {path: path.read_bytes() for path in FILES}


def stats() -> dict[Path, tuple[int, int]]:
    return {path: (path.stat().st_ino, path.stat().st_mtime_ns) for path in FILES}


def entries() -> set[str]:
    """Every name in the manifests directory, dot files included (the kubelet runs every non-dot file)."""
    return set(os.listdir(ERA.manifests_dir))


def harness_gate_on_config() -> bytes:
    """What the harness writes to the kubelet config when someone calls set_gate(True)."""
    config = testbed_kubelet.config(ERA, ERA.state_dir / "pki", True)
    return (json.dumps(config, indent=2) + "\n").encode()


def who_changed() -> str:
    if KUBELET_CONFIG.read_bytes() == harness_gate_on_config():
        return (" NOTE: the kubelet config is now the harness's gate-on template: another test switched the legacy "
                "gate with the harness (legacy_gate_on) while this one ran; rerun alone.")
    return ""


def assert_files(expected: dict[Path, bytes], what: str) -> None:
    changed = [str(path) for path, content in expected.items() if path.read_bytes() != content]
    assert not changed, f"{what}: {changed} differ.{who_changed()}"


def mirror_pod(cluster: clusters.Cluster, component: str) -> dict:
    return json.loads(cluster.kubectl("-n", "kube-system", "get", "pod", f"{component}-{ERA.node_name}",
                                      "-o", "json").stdout)


def running_container(cluster: clusters.Cluster, component: str, timeout: float = 90) -> tuple[str, str]:
    """(manifest hash, container ID) of a static pod, as the kubelet reports them. After a kubelet restart
    the mirror pod's status comes 15-45 s late (seen on 1.21), so wait until it names a container."""
    deadline = time.monotonic() + timeout
    while True:
        pod = mirror_pod(cluster, component)
        statuses = pod.get("status", {}).get("containerStatuses") or [{}]
        identity = pod["metadata"]["annotations"]["kubernetes.io/config.hash"], statuses[0].get("containerID", "")
        if identity[1] or time.monotonic() > deadline:
            return identity
        time.sleep(1)


def gate_off_files() -> bool:
    return (b"--feature-gates" not in APISERVER.read_bytes() and b"--feature-gates" not in SCHEDULER.read_bytes()
            and "featureGates" not in json.loads(KUBELET_CONFIG.read_text()))


# --- fixtures -----------------------------------------------------------------------------------------------------

@pytest.fixture
def off(legacy_gate_off: clusters.Cluster, tmp_path: Path):
    """The gate-off state, its original files, and a finalizer that puts it back (only when needed)."""
    cluster = legacy_gate_off
    if not gate_off_files() or cluster.gate_enabled():
        cluster.set_gate(False)  # someone switched it between the fixture and now
    assert gate_off_files() and not cluster.gate_enabled()
    state = {"cluster": cluster, "files": snapshot(), "entries": entries(), "backups": tmp_path / "backups"}
    yield state
    for name in entries() - state["entries"]:
        # Only what appeared during this test: a stray file here would be a second static pod.
        (ERA.manifests_dir / name).unlink()
    if snapshot() != state["files"] or cluster.gate_enabled() or readyz() != 200:
        cluster.set_gate(False)


@pytest.fixture
def namespace(legacy_cluster: clusters.Cluster, namespace_in):
    name = namespace_in(legacy_cluster, "fg-live")
    yield name
    delete_namespace(legacy_cluster, name)


@pytest.fixture(scope="module", autouse=True)
def report_durations():
    yield
    if DURATIONS:
        DURATIONS_FILE.parent.mkdir(parents=True, exist_ok=True)
        DURATIONS_FILE.write_text(json.dumps(DURATIONS, indent=2) + "\n")
        print("\nfeature_gates role run times (s):", json.dumps(DURATIONS))


# --- scenarios ----------------------------------------------------------------------------------------------------

def test_enable_inject_run_again_then_remove_restores_the_files(off, namespace, legacy_cluster):
    """Must show: no subresource before; enabled by the role an ephemeral container is accepted and starts; a second
    run changes nothing; state absent gives back the original files byte for byte and the gate is off again."""
    cluster = off["cluster"]
    original = off["files"]
    assert SUBRESOURCE not in discovery(cluster)
    core = cluster.core()
    create_and_wait(core, namespace, tools_pod("target"))

    # 1. enable
    proc, recap = run_role(off["backups"], "enable")
    assert proc.returncode == 0 and recap["failed"] == 0, ok(proc)
    assert recap["changed"] > 0
    assert SUBRESOURCE in discovery(cluster)
    for manifest in (APISERVER, SCHEDULER):
        assert feature_gate_flags(manifest.read_bytes()) == ["--feature-gates=EphemeralContainers=true"], manifest
        # Nothing but that one line was added.
        added = manifest.read_text().replace("    - --feature-gates=EphemeralContainers=true\n", "", 1)
        assert added.encode() == original[manifest], manifest
    config = yaml.safe_load(KUBELET_CONFIG.read_text())
    assert config["featureGates"] == {"EphemeralContainers": True}
    config.pop("featureGates")
    assert config == yaml.safe_load(original[KUBELET_CONFIG])
    assert kubelet_effective_gates(cluster).get("EphemeralContainers") is True
    assert entries() == off["entries"], "the role left a file in the manifests directory"
    backups = sorted(p.name for p in off["backups"].glob("*/*"))
    assert "kube-apiserver.yaml" in backups and "kube-scheduler.yaml" in backups, backups
    for run_dir in off["backups"].iterdir():
        if (run_dir / "kube-apiserver.yaml").exists():
            assert (run_dir / "kube-apiserver.yaml").read_bytes() == original[APISERVER]

    # The API accepts an ephemeral container and the legacy kubelet starts it (1.21: kind EphemeralContainers).
    result = run_module("kubedebug.ephemeral.ephemeral_container",
                        {"namespace": namespace, "pod": "target", "name": "debugger", "image": IMAGES["tools"],
                         "command": ["sh", "-c", "while true; do sleep 1; done"], "target": "app",
                         "wait": True, "wait_timeout": 90}, kubeconfig=cluster.kubeconfig)
    assert not result.get("failed"), result.get("msg")
    assert result["api_era"] == "ephemeral_containers" and result["server_version"] == ERA.version
    entry = result["results"][0]
    assert entry["created"] is True and entry["status"]["state"] == "running", entry["status"]
    assert entry["status"]["container_id"].startswith("containerd://")
    pod = core.read_namespaced_pod("target", namespace)
    assert [s.name for s in pod.status.ephemeral_container_statuses if s.state.running] == ["debugger"]

    # 2. a second run changes nothing, and does not even rewrite a file
    enabled, enabled_stats = snapshot(), stats()
    proc, recap = run_role(off["backups"], "second run (no change)")
    assert proc.returncode == 0 and recap["failed"] == 0, ok(proc)
    assert recap["changed"] == 0, ok(proc)
    assert snapshot() == enabled and stats() == enabled_stats, who_changed()

    # 4. state absent: the original bytes, the gate off again
    proc, recap = run_role(off["backups"], "remove", feature_gates_state="absent")
    assert proc.returncode == 0 and recap["failed"] == 0, ok(proc)
    assert recap["changed"] > 0
    assert_files(original, "after state absent the files are not the originals")
    assert SUBRESOURCE not in discovery(cluster)
    assert "EphemeralContainers" not in kubelet_effective_gates(cluster)
    assert entries() == off["entries"]
    # The workload lived through both kubelet restarts. With the gate off the 1.21 kubelet stops reporting
    # ephemeral containers, but the status it posted before may stay until its next status update (both seen),
    # so the ephemeral container's status says nothing either way here.
    pod = core.read_namespaced_pod("target", namespace)
    assert pod.status.phase == "Running" and pod.status.container_statuses[0].restart_count == 0


def test_check_mode_writes_nothing_and_touches_no_component(off, audit_of):
    cluster = off["cluster"]
    before_stats = stats()
    kubelet_pid = testbed_processes.pid_of(ERA, "kubelet")
    apiserver = running_container(cluster, "kube-apiserver")
    scheduler = running_container(cluster, "kube-scheduler")
    audit = audit_of(cluster)

    proc, recap = run_role(off["backups"], "check mode (--check --diff)", check=True, diff=True)
    assert proc.returncode == 0 and recap["failed"] == 0, ok(proc)
    # It reports what it would change, with the diffs.
    assert recap["changed"] > 0
    assert f"+++ after: {APISERVER}" in proc.stdout and f"+++ after: {KUBELET_CONFIG}" in proc.stdout
    assert proc.stdout.count("+    - --feature-gates=EphemeralContainers=true") == 2, ok(proc)
    assert '"featureGates": {"EphemeralContainers": true}' in proc.stdout

    assert_files(off["files"], "check mode changed files")
    assert stats() == before_stats, "check mode rewrote a file (same bytes, new inode or mtime)"
    assert entries() == off["entries"]
    assert not off["backups"].exists(), "check mode created the backup directory"
    assert testbed_processes.pid_of(ERA, "kubelet") == kubelet_pid, "check mode restarted the kubelet"
    assert running_container(cluster, "kube-apiserver") == apiserver, "check mode restarted kube-apiserver"
    assert running_container(cluster, "kube-scheduler") == scheduler, "check mode restarted kube-scheduler"
    assert audit.writes("kube-system") == []
    assert SUBRESOURCE not in discovery(cluster)


def test_a_flag_that_crashes_the_apiserver_is_rolled_back(off):
    """Must show: an unknown gate (kube-apiserver exits: "unrecognized feature gate") is rolled back; the apiserver
    is healthy again with the original manifest, and no backup-looking file is left in the manifests directory."""
    cluster = off["cluster"]
    original_uid = running_container(cluster, "kube-apiserver")[0]  # a static pod's UID is its config hash
    started = time.time()
    proc, recap = run_role(off["backups"], "rollback (failed change + restore)",
                           feature_gates_components=["kube-apiserver"],
                           feature_gates_extra_gates={BAD_GATE: True},
                           # The bad apiserver never serves; no need to wait the full 90 s for it.
                           feature_gates_wait_timeout=40)
    assert proc.returncode != 0 and recap["failed"] == 1, ok(proc)
    assert recap["rescued"] == 1, ok(proc)
    out = " ".join(proc.stdout.split())
    assert "kube-apiserver on localhost failed (" in out, ok(proc)
    assert "The original files were restored" in out and "the component is healthy again" in out, ok(proc)
    assert "The rollout stops here" in out

    assert readyz() == 200
    assert_files({APISERVER: off["files"][APISERVER]}, "after the rollback the manifest is not the original")
    assert_files(off["files"], "the rollback touched other files")
    assert entries() == off["entries"], f"left in the manifests directory: {entries() - off['entries']}"
    # The bad version was really written (and kept for review next to the backup).
    staged = list(off["backups"].glob("*/kube-apiserver.yaml.new"))
    assert len(staged) == 1 and f"{BAD_GATE}=true".encode() in staged[0].read_bytes()
    assert staged[0].with_suffix("").read_bytes() == off["files"][APISERVER]
    # It was the flag that killed it: the bad pod's log, unless the kubelet has already removed it with the pod.
    logs = [p for p in POD_LOGS.glob("kube-system_kube-apiserver-localhost_*/kube-apiserver/*.log")
            if not p.parent.parent.name.endswith("_" + original_uid) and p.stat().st_mtime >= started]
    if logs:
        assert any(f"unrecognized feature gate: {BAD_GATE}" in p.read_text(errors="replace") for p in logs), logs
    else:
        warnings.warn("the crashed kube-apiserver's log was already garbage-collected; crash reason not checked")
    # The apiserver serves again, the gate still off, and the cluster still works.
    assert SUBRESOURCE not in discovery(cluster)
    assert cluster.kubectl("get", "node", ERA.node_name, "-o", "name").stdout.strip() == f"node/{ERA.node_name}"
