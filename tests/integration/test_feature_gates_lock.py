"""The feature_gates node lock with real ansible-playbook processes on this machine, no cluster needed: a second run
refuses naming the first run's ansible-playbook pid while it holds the lock; after that run is killed with -9 the
next run takes the stale lock over, says so, and releases it at its end; an unwritable backup directory fails before
anything is created. (test_feature_gates_faults.py proves the same inside the role on the multi-node cluster.)"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

from support.ansible import REPO, environment, playbook_argv

PLAYBOOK = REPO / "tests" / "integration" / "playbooks" / "feature_gates_lock.yml"


def argv(backup_dir: Path, hold: int = 0) -> list[str]:
    return [*playbook_argv(PLAYBOOK), "-e", json.dumps({"fg_backup_dir": str(backup_dir), "fg_hold": hold})]


def run(backup_dir: Path) -> subprocess.CompletedProcess:
    return subprocess.run(argv(backup_dir), capture_output=True, text=True, env=environment(), cwd=REPO, timeout=300,
                          check=False)


def text(proc: subprocess.CompletedProcess) -> str:
    return f"rc={proc.returncode}\n{proc.stdout[-4000:]}\n{proc.stderr[-2000:]}"


def wait_for(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_a_held_lock_refuses_then_a_killed_holder_is_taken_over(tmp_path):
    backups = tmp_path / "backups"
    lock = backups / ".lock"
    with open(tmp_path / "first.log", "w") as log:
        first = subprocess.Popen(argv(backups, hold=120), stdout=log, stderr=subprocess.STDOUT, env=environment(),
                                 cwd=REPO, start_new_session=True)
    try:
        assert wait_for((lock / "owner").exists, 120), (tmp_path / "first.log").read_text()[-3000:]
        owner = json.loads((lock / "owner").read_text())
        assert owner["pid"] == first.pid and owner["controller"] == socket.gethostname()
        assert owner["run_dir"] == str(backups / "run")

        second = run(backups)
        out = " ".join(second.stdout.split())
        assert second.returncode != 0, text(second)
        assert f"localhost: another feature_gates run holds this node's lock {lock} (ansible-playbook pid {first.pid} on" in out, text(second)
        assert "Nothing was changed" in out and json.loads((lock / "owner").read_text()) == owner

        os.killpg(first.pid, signal.SIGKILL)
        first.wait()
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)
            first.wait()
    assert lock.exists(), "the killed run's lock is what the next run must find"

    third = run(backups)
    out = " ".join(third.stdout.split())
    assert third.returncode == 0, text(third)
    assert f"the lock of ansible-playbook pid {first.pid} on {socket.gethostname()} is stale (that run is gone); taking it over." in out
    assert "changed=0" in third.stdout, text(third)
    assert not lock.exists() and sorted(p.name for p in backups.iterdir()) == []


def test_an_unwritable_backup_directory_fails_before_anything_is_created(tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    proc = run(blocker / "backups")
    out = " ".join(proc.stdout.split())
    assert proc.returncode != 0, text(proc)
    assert f"localhost: feature_gates_backup_dir {blocker}/backups cannot be written (Not a directory). Nothing was changed." in out, text(proc)
    assert blocker.read_text() == "" and sorted(p.name for p in tmp_path.iterdir()) == ["not-a-directory"]
