"""An operator who is not root: a local user with sudo, and an ansible-playbook that user can run (its own venv from
Debian's Python, since the test venv's interpreter lives under /root, which other users cannot enter)."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path

from support.ansible import REPO, collections_path

USER = "kdoperator"
VENV = Path("/var/tmp/kubedebug-become-venv")
SYSTEM_PYTHON = "/usr/bin/python3"


def _requirements() -> list[str]:
    """The test venv's ansible-core and the collection's own requirements, so both users run the same code."""
    dev = (REPO / "tests" / "requirements-dev.txt").read_text().splitlines()
    core = [line.strip() for line in dev if line.strip().startswith("ansible-core")]
    runtime = [line.strip() for line in (REPO / "requirements.txt").read_text().splitlines()
               if line.strip() and not line.startswith("#")]
    return core + runtime


def ensure_user() -> None:
    """USER with a home and password-less sudo, as a typical SSH operator has it."""
    assert shutil.which("sudo"), "sudo is not installed: run tests/cluster/install-deps.sh"
    if subprocess.run(["id", USER], capture_output=True, check=False).returncode != 0:
        subprocess.run(["useradd", "--create-home", "--shell", "/bin/bash", USER], check=True)
    rule = Path(f"/etc/sudoers.d/{USER}")
    if not rule.exists():
        staged = Path(f"/etc/sudoers.d/.{USER}.tmp")
        staged.write_text(f"{USER} ALL=(ALL) NOPASSWD: ALL\n")
        staged.chmod(0o440)
        subprocess.run(["visudo", "-cf", str(staged)], check=True, capture_output=True)
        staged.rename(rule)


def ensure_venv() -> Path:
    """VENV's ansible-playbook (made once per requirement set; world-readable)."""
    wanted = hashlib.sha256(json.dumps(_requirements()).encode()).hexdigest()
    stamp = VENV / ".kubedebug-requirements.sha256"
    if not (stamp.exists() and stamp.read_text() == wanted):
        shutil.rmtree(VENV, ignore_errors=True)
        subprocess.run([SYSTEM_PYTHON, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(VENV / "bin" / "python"), "-m", "pip", "install", "--disable-pip-version-check", "-q",
                        *_requirements()], check=True)
        stamp.write_text(wanted)
    return VENV / "bin" / "ansible-playbook"


def run_as_operator(argv: list[str], cwd: Path, timeout: float = 900) -> subprocess.CompletedProcess:
    """``argv`` (an ansible-playbook command line) run as USER, with this checkout's collection and no root
    environment: sudo -H gives the user's own HOME (Ansible's local temp dir)."""
    env = [f"ANSIBLE_COLLECTIONS_PATH={collections_path()}", "ANSIBLE_NOCOLOR=1", "ANSIBLE_RETRY_FILES_ENABLED=false",
           "ANSIBLE_LOCALHOST_WARNING=false", "ANSIBLE_INVENTORY_UNPARSED_WARNING=false"]
    return subprocess.run(["sudo", "-H", "-u", USER, "env", *env, *argv], capture_output=True, text=True, cwd=cwd,
                          timeout=timeout, check=False)
