"""The feature_gates role under faults, on the multi-node legacy cluster:
ansible-playbook killed with -9 right after it wrote a manifest, two runs on one node at once, and a backup directory
that cannot be written. Each runs tests/integration/playbooks/feature_gates_node.yml on one node of the generated
inventory and leaves the cluster with the gate off."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from support import multinode as mn
from support.ansible import REPO, environment, playbook_argv
from support.figures import record

pytestmark = [pytest.mark.legacy, pytest.mark.multinode]  # make test-multinode (CI time: see docs/feature-gates.md)

NODE_PLAYBOOK = REPO / "tests" / "integration" / "playbooks" / "feature_gates_node.yml"
GATE = b"--feature-gates=EphemeralContainers=true"
FIGURES = "feature_gates_faults"


def argv(host: str, components: list[str], inventory: Path | None = None, **extra: object) -> list[str]:
    values = {"fg_hosts": host, "fg_components": components, **extra}
    return [*playbook_argv(NODE_PLAYBOOK, str(inventory or mn.CLUSTER.inventory)), "-e", json.dumps(values)]


def run(host: str, components: list[str], **kwargs: object) -> subprocess.CompletedProcess:
    return subprocess.run(argv(host, components, **kwargs), capture_output=True, text=True, env=environment(),
                          cwd=REPO, timeout=600, check=False)


def start(host: str, components: list[str], log: Path) -> subprocess.Popen:
    """ansible-playbook in its own process group (so that kill -9 reaches its workers too)."""
    with open(log, "w") as out:
        return subprocess.Popen(argv(host, components), stdout=out, stderr=subprocess.STDOUT, env=environment(),
                                cwd=REPO, start_new_session=True)


def wait_for(predicate, timeout: float, interval: float = 0.02) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False


def text(proc: subprocess.CompletedProcess) -> str:
    return f"rc={proc.returncode}\n{proc.stdout[-5000:]}\n{proc.stderr[-2000:]}"


@pytest.fixture
def off(legacy_ha):
    """Gate off everywhere before, and again after (only when needed); no lock or journal left behind."""
    def clean() -> bool:
        return (all(GATE not in p.read_bytes() and b"featureGates" not in p.read_bytes() for p in mn.all_files())
                and not any(mn.ha.gate_served(n) for n in mn.CONTROL_PLANE))

    if not clean():
        mn.ha.set_gate(False)
    yield legacy_ha
    for node in mn.NODES:
        for leftover in [node.backup_dir / ".lock", *node.backup_dir.glob("pending-*.json")]:
            subprocess.run(["rm", "-rf", str(leftover)], check=True)
    if not clean() or not all(mn.ha.apiservers_ready().values()):
        mn.ha.set_gate(False)


def test_kill_9_right_after_the_manifest_is_written_then_the_rerun_finishes_the_change(off, tmp_path):
    cp1 = mn.CONTROL_PLANE[0]
    manifest = cp1.manifests_dir / "kube-apiserver.yaml"
    original, others = manifest.read_bytes(), {p: p.read_bytes() for p in mn.all_files() if p != manifest}
    journal, lock = cp1.backup_dir / "pending-kube-apiserver.json", cp1.backup_dir / ".lock"

    proc = start(cp1.node_name, ["kube-apiserver"], tmp_path / "killed.log")
    written = wait_for(lambda: GATE in manifest.read_bytes(), 120)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    log = (tmp_path / "killed.log").read_text()
    assert written, f"the manifest was never written:\n{log[-3000:]}"
    died_in = [line for line in log.splitlines() if line.startswith("TASK [")][-1:]
    # Half-done as a crash leaves it: the new manifest, its journal, the backup, a lock whose owner is gone.
    assert journal.exists() and lock.exists(), sorted(p.name for p in cp1.backup_dir.iterdir())
    pending = json.loads(journal.read_text())
    assert Path(pending["backup"]).read_bytes() == original

    started = time.monotonic()
    again = run(cp1.node_name, ["kube-apiserver"])
    seconds = time.monotonic() - started
    assert again.returncode == 0, text(again)
    out = " ".join(again.stdout.split())
    assert "is stale (that run is gone); taking it over" in out, text(again)
    assert "an interrupted run" in out and "waiting for that pod now" in out, text(again)
    # Completed: the new manifest runs and serves the gate; nothing pending, no lock, the backup intact.
    assert GATE in manifest.read_bytes() and mn.ha.gate_served(cp1)
    assert not journal.exists() and not lock.exists()
    assert Path(pending["backup"]).read_bytes() == original
    assert {p: p.read_bytes() for p in others} == others, "another file changed"
    assert all(mn.ha.apiservers_ready().values())
    record(FIGURES, kill9_after_write="completed by the re-run", kill9_died_in=died_in, kill9_rerun_s=round(seconds, 1))


def test_a_second_run_on_the_same_node_refuses_while_the_first_holds_its_lock(off, tmp_path):
    w1 = mn.WORKERS[0]
    lock = w1.backup_dir / ".lock"
    config_before = w1.kubelet_config.read_bytes()
    first = start(w1.node_name, ["kubelet"], tmp_path / "first.log")
    assert wait_for((lock / "owner").exists, 120), (tmp_path / "first.log").read_text()[-3000:]
    second = run(w1.node_name, ["kubelet"])
    assert first.wait(300) == 0, (tmp_path / "first.log").read_text()[-5000:]
    assert second.returncode != 0, text(second)
    out = " ".join(second.stdout.split())
    assert f"{w1.node_name}: another feature_gates run holds this node's lock {lock}" in out, text(second)
    assert f"ansible-playbook pid {first.pid} on" in out and "Nothing was changed" in out, text(second)
    assert "changed=0" in second.stdout and not lock.exists()
    # The first run did its change; put it back.
    assert b"featureGates" in w1.kubelet_config.read_bytes()
    back = run(w1.node_name, ["kubelet"], feature_gates_state="absent")
    assert back.returncode == 0 and w1.kubelet_config.read_bytes() == config_before, text(back)
    record(FIGURES, concurrent_runs_on_one_node="second refused by the lock")


def test_a_backup_directory_that_cannot_be_written_changes_nothing(off, tmp_path):
    w2 = mn.WORKERS[1]
    readonly = tmp_path / "readonly-backups"
    readonly.mkdir(mode=0o700)
    subprocess.run(["mount", "--bind", str(readonly), str(readonly)], check=True)
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", str(readonly)], check=True)
        inventory = mn.inventory_with(tmp_path / "inventory.json",
                                      {w2.node_name: {"feature_gates_backup_dir": str(readonly)}})
        before = (w2.kubelet_config.read_bytes(), w2.kubelet_config.stat().st_ino, w2.kubelet_config.stat().st_mtime_ns)
        kubelet_pid = mn.ha.processes.pid_of(w2, "kubelet")
        proc = run(w2.node_name, ["kubelet"], inventory=inventory)
    finally:
        subprocess.run(["umount", str(readonly)], check=True)
    assert proc.returncode != 0, text(proc)
    out = " ".join(proc.stdout.split())
    assert f"{w2.node_name}: feature_gates_backup_dir {readonly} cannot be written (" in out, text(proc)
    assert "Read-only file system" in out and "Nothing was changed" in out, text(proc)
    after = (w2.kubelet_config.read_bytes(), w2.kubelet_config.stat().st_ino, w2.kubelet_config.stat().st_mtime_ns)
    assert after == before and mn.ha.processes.pid_of(w2, "kubelet") == kubelet_pid
    assert list(readonly.iterdir()) == []
    record(FIGURES, unwritable_backup_dir="refused before any change")
