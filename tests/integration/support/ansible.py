"""Running the collection's modules, roles and playbooks through real ansible-playbook."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[3]


def collections_path() -> Path:
    """A directory holding ansible_collections/kubedebug/ephemeral -> this checkout.

    One per checkout: two clones (or worktrees) testing at once must not swap each other's link.
    """
    checkout = hashlib.sha256(str(REPO).encode()).hexdigest()[:10]
    root = Path(tempfile.gettempdir()) / f"kubedebug-it-collections-{checkout}"
    link = root / "ansible_collections" / "kubedebug" / "ephemeral"
    link.parent.mkdir(parents=True, exist_ok=True)
    if not link.is_symlink() or link.resolve() != REPO:
        if link.is_symlink() or link.exists():
            link.unlink()
        link.symlink_to(REPO)
    return root


def environment(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.update({
        "ANSIBLE_COLLECTIONS_PATH": str(collections_path()),
        "ANSIBLE_LOCALHOST_WARNING": "false",
        "ANSIBLE_INVENTORY_UNPARSED_WARNING": "false",
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_RETRY_FILES_ENABLED": "false",
    })
    env.update(extra or {})
    return env


def playbook_argv(playbook: Path, inventory: str = "localhost,", python: str | None = None) -> list[str]:
    """ansible-playbook from this venv, for ``playbook`` on ``inventory``."""
    return [str(Path(sys.executable).parent / "ansible-playbook"), "-i", inventory,
            "-e", f"ansible_python_interpreter={python or sys.executable}", str(playbook)]


def run_playbook(playbook: Path, extra_vars: dict | None = None, check: bool = False, diff: bool = False,
                 env: dict[str, str] | None = None, inventory: str = "localhost,",
                 timeout: float = 900, python: str | None = None) -> subprocess.CompletedProcess:
    """``python`` is the managed node's interpreter (the modules run there); default this venv's."""
    argv = playbook_argv(playbook, inventory, python)
    if extra_vars:
        argv += ["-e", json.dumps(extra_vars)]
    if check:
        argv.append("--check")
    if diff:
        argv.append("--diff")
    return subprocess.run(argv, capture_output=True, text=True, env=environment(env), timeout=timeout, cwd=REPO,
                          check=False)


def run_module(module: str, args: dict[str, Any], kubeconfig: Path | None = None, check: bool = False,
               diff: bool = False, env: dict[str, str] | None = None, python: str | None = None) -> dict:
    """Run one module task on localhost; returns its registered result ('failed', 'changed', 'msg', ...)."""
    if kubeconfig is not None and "kubeconfig" not in args:
        args = {**args, "kubeconfig": str(kubeconfig)}
    with tempfile.TemporaryDirectory(prefix="kubedebug-it-") as tmp:
        result_file = Path(tmp) / "result.json"
        play = [{
            "hosts": "localhost", "gather_facts": False, "connection": "local",
            "tasks": [
                {"name": "module under test", module: args, "register": "result", "ignore_errors": True},
                {"name": "keep the result", "ansible.builtin.copy": {
                    "content": "{{ result | to_json }}", "dest": str(result_file)}, "check_mode": False},
            ],
        }]
        playbook = Path(tmp) / "play.yml"
        playbook.write_text(yaml.safe_dump(play))
        proc = run_playbook(playbook, check=check, diff=diff, env=env, python=python)
        if not result_file.exists():
            raise AssertionError(f"the play did not finish (rc={proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
        result = json.loads(result_file.read_text())
        result["_stdout"] = proc.stdout
        return result


def run_tasks(module: str, all_args: list[dict[str, Any]], kubeconfig: Path | None = None) -> list[dict]:
    """Run ``module`` once per args in one play (errors ignored); returns the registered results in order."""
    with tempfile.TemporaryDirectory(prefix="kubedebug-it-") as tmp:
        result_file = Path(tmp) / "results.json"
        tasks = []
        for index, args in enumerate(all_args):
            if kubeconfig is not None and "kubeconfig" not in args:
                args = {**args, "kubeconfig": str(kubeconfig)}
            tasks.append({"name": f"case {index}", module: args, "register": f"case_{index}", "ignore_errors": True})
        tasks.append({"name": "keep the results", "ansible.builtin.copy": {
            "content": "{{ [" + ", ".join(f"case_{i}" for i in range(len(all_args))) + "] | to_json }}",
            "dest": str(result_file)}, "check_mode": False})
        playbook = Path(tmp) / "play.yml"
        playbook.write_text(yaml.safe_dump([{"hosts": "localhost", "gather_facts": False, "connection": "local",
                                             "tasks": tasks}]))
        proc = run_playbook(playbook)
        if not result_file.exists():
            raise AssertionError(f"the play did not finish (rc={proc.returncode}):\n{proc.stdout[-5000:]}\n{proc.stderr[-3000:]}")
        return json.loads(result_file.read_text())


def collection_module_utils(name: str):
    """Import one of the collection's module_utils (for tests that drive it directly)."""
    import importlib

    root = str(collections_path())
    if root not in sys.path:
        sys.path.insert(0, root)
    return importlib.import_module(f"ansible_collections.kubedebug.ephemeral.plugins.module_utils.{name}")
