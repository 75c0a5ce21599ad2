"""The Python a managed node needs, as docs/feature-gates.md and the README state it: the feature_gates role's own
node module (its lock, the first task that touches a node) fails on the Python 3.6 of CentOS 7 and Ubuntu 18.04 with
the ansible-core this collection supports, and runs once ``ansible_python_interpreter`` points at a Python 3.8 on the
same node. No cluster needed; the interpreters are pyenv's on this machine (hack/cold-check.sh uses the same root)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from support.ansible import REPO, environment, playbook_argv

PLAYBOOK = REPO / "tests" / "integration" / "playbooks" / "feature_gates_lock.yml"


def interpreter(minor: str) -> str:
    """pyenv's newest python<minor> (3.6 or 3.8)."""
    root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    found = sorted(root.glob(f"{minor}.*/bin/python"), key=lambda p: [int(x) for x in p.parent.parent.name.split(".")])
    assert found, f"no Python {minor} under {root}: this test needs pyenv's {minor}.x (pyenv install {minor})"
    return str(found[-1])


def run_lock(backups: Path, python: str) -> subprocess.CompletedProcess:
    argv = [*playbook_argv(PLAYBOOK, python=python), "-e", json.dumps({"fg_backup_dir": str(backups)})]
    return subprocess.run(argv, capture_output=True, text=True, env=environment(), cwd=REPO, timeout=300, check=False)


def test_python_36_node_fails_and_a_38_interpreter_on_it_works(tmp_path):
    old = run_lock(tmp_path / "old", interpreter("3.6"))
    assert old.returncode != 0, old.stdout[-3000:]
    assert "Module result deserialization failed" in old.stdout, old.stdout[-3000:]
    assert not (tmp_path / "old").exists(), "nothing may reach the node's disk from an interpreter that cannot run"

    new = run_lock(tmp_path / "new", interpreter("3.8"))
    assert new.returncode == 0, new.stdout[-3000:] + new.stderr[-2000:]
    assert "failed=0" in new.stdout and sorted(p.name for p in (tmp_path / "new").iterdir()) == []
